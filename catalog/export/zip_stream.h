#pragma once
// ZipStream: a ZIP archive (PKWARE APPNOTE 6.3.x) written front to back
// into a sink, entry by entry, without holding an entry or the archive in
// memory: local file header, the entry's bytes, and at the end the central
// directory and its end record. Entries are stored, not compressed (DICOM
// pixel data is mostly compressed or incompressible already, and storing
// costs no CPU). The caller gives each entry's size and CRC-32 before its
// bytes, so the local header is complete and no data descriptor (APPNOTE
// 4.3.9) is needed: any reader, streaming or not, reads the archive. Past
// 4 GiB, or 65535 entries, the ZIP64 extensions are written (APPNOTE 4.3.14
// to 4.3.16, 4.5.3), so an export of any size is one archive. DOS time and
// date are 0 (1980-01-01: the archive describes files, not when they were
// zipped). Names are '/'-separated ASCII paths. Not thread-safe.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "catalog/common/status.h"

namespace pixeldex::exporting {

// The CRC-32 of ZIP (ISO 3309), continuing from `crc` (0 to start).
uint32_t Crc32(uint32_t crc, std::string_view bytes);

class ZipStream {
 public:
  // Receives the archive's bytes, in order; an error stops the stream.
  using Sink = std::function<Status(std::string_view bytes)>;

  // `zip64_from`: sizes and offsets from this value on are written as ZIP64
  // (the format's limit; tests lower it to read small ZIP64 archives back).
  explicit ZipStream(Sink sink, uint64_t zip64_from = 0xFFFFFFFF)
      : sink_(std::move(sink)), zip64_from_(zip64_from) {}

  // Starts an entry named `name` of `size` bytes whose CRC-32 is `crc`.
  // InvalidArgument when the previous entry has not received its size.
  Status BeginEntry(std::string_view name, uint64_t size, uint32_t crc);
  // The next bytes of the current entry; InvalidArgument past its size.
  Status Write(std::string_view bytes);
  // Writes the central directory; nothing may be added after it.
  Status Finish();

  uint64_t bytes_written() const { return offset_; }

 private:
  Status Put(std::string_view bytes);
  Status CheckEntryComplete() const;

  Sink sink_;
  uint64_t zip64_from_;
  uint64_t offset_ = 0;
  std::string directory_;  // the central directory headers so far
  uint64_t entries_ = 0;
  uint64_t entry_remaining_ = 0;
  bool finished_ = false;
};

}  // namespace pixeldex::exporting

#pragma once
// A ZIP archive (PKWARE APPNOTE 6.3.x) built in memory from whole files,
// stored without compression (DICOM pixel data is mostly compressed or
// incompressible already, and storing costs no CPU): local file headers,
// the data, the central directory and its end record. No ZIP64: the page's
// series download refuses more than kMaxZipBytes. Names are ASCII (UIDs and
// digits). Not thread-safe; one per response.

#include <cstdint>
#include <string>
#include <string_view>

namespace pixeldex::server {

inline constexpr size_t kMaxZipBytes = size_t{1} << 30;  // 1 GiB: built in memory; ZIP offsets stop at 4 GiB

class ZipArchive {
 public:
  void Add(std::string_view name, std::string_view bytes);
  // The archive's bytes; no Add after it.
  std::string Finish();
  size_t size() const { return out_.size(); }

 private:
  std::string out_;
  std::string directory_;
  uint16_t entries_ = 0;
};

}  // namespace pixeldex::server

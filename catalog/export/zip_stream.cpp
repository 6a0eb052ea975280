#include "catalog/export/zip_stream.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace pixeldex::exporting {
namespace {

constexpr uint32_t kMax32 = 0xFFFFFFFF;
constexpr uint16_t kVersionStored = 20;  // 2.0: stored entries
constexpr uint16_t kVersionZip64 = 45;   // 4.5: ZIP64 (APPNOTE 4.4.3.2)

void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}
void Put64(std::string& out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v & kMax32));
  Put32(out, static_cast<uint32_t>(v >> 32));
}

// The fields local and central headers share (APPNOTE 4.3.7 / 4.3.12) from
// "version needed": no flags, method 0 (stored), DOS time and date 1980-01-01,
// CRC-32, sizes (kMax32 when `sizes_in_extra`: the ZIP64 extra field holds
// them), name and extra lengths.
void PutCommon(std::string& out, uint16_t version, bool sizes_in_extra, uint32_t crc,
               uint64_t size, size_t name_length, size_t extra_length) {
  Put16(out, version);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0x21);  // 1980-01-01
  Put32(out, crc);
  const uint32_t size32 = sizes_in_extra ? kMax32 : static_cast<uint32_t>(size);
  Put32(out, size32);
  Put32(out, size32);
  Put16(out, static_cast<uint32_t>(name_length));
  Put16(out, static_cast<uint32_t>(extra_length));
}

// The ZIP64 Extended Information Extra Field (APPNOTE 4.5.3) holding `values`.
std::string Zip64Extra(std::initializer_list<uint64_t> values) {
  std::string extra;
  Put16(extra, 0x0001);
  Put16(extra, static_cast<uint32_t>(8 * values.size()));
  for (uint64_t v : values) Put64(extra, v);
  return extra;
}

}  // namespace

uint32_t Crc32(uint32_t crc, std::string_view bytes) {
  uLong value = crc;
  while (!bytes.empty()) {
    const size_t chunk = std::min<size_t>(bytes.size(), std::numeric_limits<uInt>::max());
    value = crc32(value, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(chunk));
    bytes.remove_prefix(chunk);
  }
  return static_cast<uint32_t>(value);
}

Status ZipStream::Put(std::string_view bytes) {
  PIXELDEX_RETURN_IF_ERROR(sink_(bytes));
  offset_ += bytes.size();
  return Status::Ok();
}

Status ZipStream::CheckEntryComplete() const {
  if (finished_) return Status::InvalidArgument("the zip archive is already finished");
  if (entry_remaining_ != 0) {
    return Status::InvalidArgument("a zip entry ended " + std::to_string(entry_remaining_) +
                                   " bytes short of its size");
  }
  return Status::Ok();
}

Status ZipStream::BeginEntry(std::string_view name, uint64_t size, uint32_t crc) {
  PIXELDEX_RETURN_IF_ERROR(CheckEntryComplete());
  const uint64_t offset = offset_;
  const bool zip64_size = size >= zip64_from_;
  const bool zip64_offset = offset >= zip64_from_;

  std::string local;
  Put32(local, 0x04034b50);  // local file header
  const std::string local_extra = zip64_size ? Zip64Extra({size, size}) : "";
  PutCommon(local, zip64_size ? kVersionZip64 : kVersionStored, zip64_size, crc, size,
            name.size(), local_extra.size());
  local.append(name);
  local.append(local_extra);

  // APPNOTE 4.5.3: the central extra holds, in this order, only the fields
  // whose header value is kMax32.
  std::string central_extra;
  if (zip64_size && zip64_offset) {
    central_extra = Zip64Extra({size, size, offset});
  } else if (zip64_size) {
    central_extra = Zip64Extra({size, size});
  } else if (zip64_offset) {
    central_extra = Zip64Extra({offset});
  }
  const uint16_t version = zip64_size || zip64_offset ? kVersionZip64 : kVersionStored;
  Put32(directory_, 0x02014b50);  // central directory header
  Put16(directory_, version);     // made by
  PutCommon(directory_, version, zip64_size, crc, size, name.size(), central_extra.size());
  Put16(directory_, 0);  // comment length
  Put16(directory_, 0);  // disk number
  Put16(directory_, 0);  // internal attributes
  Put32(directory_, 0);  // external attributes
  Put32(directory_, zip64_offset ? kMax32 : static_cast<uint32_t>(offset));
  directory_.append(name);
  directory_.append(central_extra);
  ++entries_;
  entry_remaining_ = size;
  return Put(local);
}

Status ZipStream::Write(std::string_view bytes) {
  if (bytes.size() > entry_remaining_) {
    return Status::InvalidArgument("more bytes than the zip entry's size");
  }
  entry_remaining_ -= bytes.size();
  return Put(bytes);
}

Status ZipStream::Finish() {
  PIXELDEX_RETURN_IF_ERROR(CheckEntryComplete());
  finished_ = true;
  const uint64_t directory_offset = offset_;
  const uint64_t directory_size = directory_.size();
  PIXELDEX_RETURN_IF_ERROR(Put(directory_));
  const bool zip64 = entries_ >= 0xFFFF || directory_offset >= zip64_from_ ||
                     directory_size >= zip64_from_;
  std::string end;
  if (zip64) {
    const uint64_t zip64_end_offset = offset_;
    Put32(end, 0x06064b50);  // ZIP64 end of central directory record (APPNOTE 4.3.14)
    Put64(end, 44);          // its size after this field
    Put16(end, kVersionZip64);
    Put16(end, kVersionZip64);
    Put32(end, 0);  // this disk
    Put32(end, 0);  // disk of the central directory
    Put64(end, entries_);
    Put64(end, entries_);
    Put64(end, directory_size);
    Put64(end, directory_offset);
    Put32(end, 0x07064b50);  // its locator (APPNOTE 4.3.15)
    Put32(end, 0);
    Put64(end, zip64_end_offset);
    Put32(end, 1);  // disks
  }
  Put32(end, 0x06054b50);  // end of central directory (APPNOTE 4.3.16)
  Put16(end, 0);
  Put16(end, 0);
  const uint32_t entries16 = zip64 ? 0xFFFF : static_cast<uint32_t>(entries_);
  Put16(end, entries16);
  Put16(end, entries16);
  Put32(end, zip64 ? kMax32 : static_cast<uint32_t>(directory_size));
  Put32(end, zip64 ? kMax32 : static_cast<uint32_t>(directory_offset));
  Put16(end, 0);  // comment length
  return Put(end);
}

}  // namespace pixeldex::exporting

#include "server/web/zip_archive.h"

#include <zlib.h>

namespace pixeldex::server {
namespace {

void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

// The fields local and central headers share (APPNOTE 4.3.7 / 4.3.12):
// version needed 2.0, no flags, method 0 (stored), DOS time and date 0
// (1980-01-01: the archive describes files, not when they were zipped),
// CRC-32, sizes, name length.
void PutCommon(std::string& out, uint32_t crc, uint32_t size, size_t name_length) {
  Put16(out, 20);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0x21);  // 1980-01-01
  Put32(out, crc);
  Put32(out, size);
  Put32(out, size);
  Put16(out, static_cast<uint32_t>(name_length));
  Put16(out, 0);  // extra field length
}

}  // namespace

void ZipArchive::Add(std::string_view name, std::string_view bytes) {
  const auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  const auto size = static_cast<uint32_t>(bytes.size());
  const auto offset = static_cast<uint32_t>(out_.size());
  Put32(out_, 0x04034b50);  // local file header
  PutCommon(out_, crc, size, name.size());
  out_.append(name);
  out_.append(bytes);

  Put32(directory_, 0x02014b50);  // central directory header
  Put16(directory_, 20);          // made by: version 2.0
  PutCommon(directory_, crc, size, name.size());
  Put16(directory_, 0);  // comment length
  Put16(directory_, 0);  // disk number
  Put16(directory_, 0);  // internal attributes
  Put32(directory_, 0);  // external attributes
  Put32(directory_, offset);
  directory_.append(name);
  ++entries_;
}

std::string ZipArchive::Finish() {
  const auto directory_offset = static_cast<uint32_t>(out_.size());
  out_.append(directory_);
  Put32(out_, 0x06054b50);  // end of central directory
  Put16(out_, 0);
  Put16(out_, 0);
  Put16(out_, entries_);
  Put16(out_, entries_);
  Put32(out_, static_cast<uint32_t>(directory_.size()));
  Put32(out_, directory_offset);
  Put16(out_, 0);  // comment length
  return std::move(out_);
}

}  // namespace pixeldex::server

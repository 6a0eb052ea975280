#include "server/web/zip_archive.h"

namespace pixeldex::server {

ZipArchive::ZipArchive()
    : stream_([this](std::string_view bytes) {
        out_.append(bytes);
        return Status::Ok();
      }) {}

// Appending to a string cannot fail, and each entry is whole: the stream's
// statuses are always Ok here.
void ZipArchive::Add(std::string_view name, std::string_view bytes) {
  (void)stream_.BeginEntry(name, bytes.size(), exporting::Crc32(0, bytes));
  (void)stream_.Write(bytes);
}

std::string ZipArchive::Finish() {
  (void)stream_.Finish();
  return std::move(out_);
}

}  // namespace pixeldex::server

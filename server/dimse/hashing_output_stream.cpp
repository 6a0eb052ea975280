#include "server/dimse/hashing_output_stream.h"

#include <cerrno>
#include <cstdio>

namespace pixeldex::server {

offile_off_t HashingOutputStream::Consumer::write(const void* buf, offile_off_t buflen) {
  const offile_off_t written = target.write(buf, buflen);
  if (written > 0) hasher.Update(buf, static_cast<size_t>(written));
  return written;
}

Result<std::unique_ptr<DcmOutputFileStream>> HashHeaderAndReopen(
    std::unique_ptr<DcmOutputFileStream> written, const std::string& path,
    storage::Sha256Hasher& hasher) {
  const auto length = static_cast<size_t>(written->tell());
  written.reset();  // fclose: the header reaches the file
  PIXELDEX_RETURN_IF_ERROR(storage::HashFileHead(path, length, hasher));
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) return Status::FromErrno(errno, "cannot reopen " + path);
  return std::make_unique<DcmOutputFileStream>(file);  // which closes it
}

}  // namespace pixeldex::server

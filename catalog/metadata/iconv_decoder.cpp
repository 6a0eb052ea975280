#include "catalog/metadata/iconv_decoder.h"

#include <cerrno>

namespace pixeldex::metadata {

IconvDecoder::IconvDecoder(const char* encoding) : cd_(::iconv_open("UTF-8", encoding)) {}

IconvDecoder::~IconvDecoder() {
  if (available()) ::iconv_close(cd_);
}

int IconvDecoder::Decode(std::string_view bytes, std::string& out) {
  if (!available()) {
    if (bytes.empty()) return 0;
    out += kReplacementCharacter;
    return 1;
  }
  ::iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // initial shift state
  int replaced = 0;
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buffer[1024];
  while (in_left > 0) {
    char* dst = buffer;
    size_t dst_left = sizeof(buffer);
    const size_t rc = ::iconv(cd_, &in, &in_left, &dst, &dst_left);
    out.append(buffer, static_cast<size_t>(dst - buffer));
    if (rc != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) continue;  // output buffer full: go round again
    // EILSEQ: an invalid sequence; EINVAL: an incomplete one at the end.
    out += kReplacementCharacter;
    ++replaced;
    if (errno == EINVAL) break;
    ++in;
    --in_left;
  }
  return replaced;
}

}  // namespace pixeldex::metadata

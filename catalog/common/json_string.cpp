#include "catalog/common/json_string.h"

#include <cstdio>

namespace pixeldex {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  size_t plain = 0;  // the start of a run of characters that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
        out += escaped;
      }
    }
  }
  out.append(text, plain);
  out += '"';
}

}  // namespace pixeldex

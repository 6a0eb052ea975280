#include "server/http/query_string.h"

#include "catalog/common/hex_digit.h"

namespace pixeldex::server {
Result<std::string> PercentDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? HexDigitValue(text[i + 1]) : -1;
    const int low = high >= 0 ? HexDigitValue(text[i + 2]) : -1;
    if (low < 0 || (high == 0 && low == 0)) {
      return Status::InvalidArgument("malformed percent-encoding in '" + text.substr(0, 64) + "'");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

Result<QueryParams> ParseQueryString(const std::string& query) {
  QueryParams params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      auto name = PercentDecode(pair.substr(0, eq));
      if (!name.ok()) return name.status();
      auto value = PercentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1));
      if (!value.ok()) return value.status();
      params.emplace_back(std::move(name).value(), std::move(value).value());
    }
    start = end + 1;
  }
  return params;
}

std::vector<std::string> SplitValues(const std::string& text, char separator) {
  std::vector<std::string> values;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(separator, start);
    values.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return values;
    start = at + 1;
  }
}

}  // namespace pixeldex::server

#include "tests/support/multipart_reader.h"

#include <algorithm>
#include <cctype>

namespace pixeldex::testing {

std::vector<MultipartPart> ReadMultipart(const std::string& content_type,
                                         const std::string& payload) {
  const size_t at = content_type.find("boundary=");
  if (at == std::string::npos) throw std::runtime_error("no boundary in " + content_type);
  std::string boundary = content_type.substr(at + 9);
  boundary = boundary.substr(0, boundary.find(';'));
  if (!boundary.empty() && boundary.front() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + boundary;
  if (payload.rfind(delimiter + "\r\n", 0) != 0) throw std::runtime_error("no first delimiter");
  std::vector<MultipartPart> parts;
  size_t start = delimiter.size() + 2;
  for (;;) {
    const size_t next = payload.find("\r\n" + delimiter, start);
    if (next == std::string::npos) throw std::runtime_error("no close delimiter");
    const std::string part = payload.substr(start, next - start);
    const size_t head_end = part.find("\r\n\r\n");
    if (head_end == std::string::npos) throw std::runtime_error("a part without a blank line");
    MultipartPart parsed;
    size_t line_start = 0;
    while (line_start < head_end) {
      size_t line_end = part.find("\r\n", line_start);
      if (line_end > head_end) line_end = head_end;
      const std::string line = part.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        parsed.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      line_start = line_end + 2;
    }
    parsed.content = part.substr(head_end + 4);
    parts.push_back(std::move(parsed));
    const size_t after = next + 2 + delimiter.size();
    if (payload.compare(after, 4, "--\r\n") == 0) {
      if (after + 4 != payload.size()) throw std::runtime_error("bytes after the close delimiter");
      return parts;
    }
    if (payload.compare(after, 2, "\r\n") != 0) throw std::runtime_error("bad delimiter line");
    start = after + 2;
  }
}

}  // namespace pixeldex::testing

#include "server/dicomweb/multipart_reader.h"

#include <cctype>
#include <optional>

namespace pixeldex::server {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace.
bool IsValidBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (const char c : boundary) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("'()+_,-./:=? ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

struct Delimiter {
  size_t start = 0;  // where the content before it ends (its CRLF, or 0 for the first)
  bool close = false;
  // After the delimiter line's CRLF; npos when the body ends inside the line.
  size_t line_end = std::string_view::npos;
};

// The delimiter "--boundary" at `dash`, when what follows makes it one.
std::optional<Delimiter> DelimiterAt(std::string_view body, size_t start, size_t dash,
                                     size_t dash_size) {
  Delimiter d;
  d.start = start;
  size_t i = dash + dash_size;
  if (body.substr(i, 2) == "--") {
    d.close = true;
    return d;
  }
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;           // transport padding
  if (i == body.size() || (body[i] == '\r' && i + 1 == body.size())) return d;  // truncated line
  if (body.substr(i, 2) != kCrlf) return std::nullopt;  // "--boundaryX...": content
  d.line_end = i + 2;
  return d;
}

// The first delimiter whose CRLF starts at or after `from`; with
// `may_open_body`, also one that opens the body without a CRLF.
std::optional<Delimiter> NextDelimiter(std::string_view body, size_t from,
                                       const std::string& dash_boundary, bool may_open_body) {
  if (may_open_body && body.substr(0, dash_boundary.size()) == dash_boundary) {
    if (auto d = DelimiterAt(body, 0, 0, dash_boundary.size())) return d;
  }
  const std::string pattern = std::string(kCrlf) + dash_boundary;
  for (size_t at = body.find(pattern, from); at != std::string_view::npos;
       at = body.find(pattern, at + 1)) {
    if (auto d = DelimiterAt(body, at, at + 2, dash_boundary.size())) return d;
  }
  return std::nullopt;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string_view TrimWhitespace(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Fills the part's headers and content from the text between two
// delimiters, or says what is wrong with it.
void ReadPart(std::string_view text, MultipartPart& part) {
  // RFC 2046 5.1.1: body-part := MIME-part-headers [CRLF *OCTET]; with no
  // header lines the text opens with the empty line.
  size_t headers_end = 0;
  if (text.substr(0, 2) == kCrlf) {
    part.content = text.substr(2);
    return;
  }
  headers_end = text.find("\r\n\r\n");
  if (headers_end == std::string_view::npos || headers_end + 4 > kMaxPartHeaderBytes) {
    part.problem = headers_end == std::string_view::npos
                       ? "the part's header lines do not end with an empty line"
                       : "the part's header lines are longer than 16 KiB";
    return;
  }
  const std::string_view section = text.substr(0, headers_end + 2);
  std::string last_name;
  for (size_t pos = 0; pos < section.size();) {
    const size_t eol = section.find(kCrlf, pos);
    const std::string_view line = section.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      part.problem = "a part header line holds a bare CR or LF";
      return;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !last_name.empty()) {
      part.headers[last_name] += " " + std::string(TrimWhitespace(line));  // RFC 5322 2.2.3
      continue;
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    bool token = colon != std::string_view::npos && !name.empty();
    for (const char c : name) token = token && IsTokenChar(c);
    if (!token) {
      part.problem = "malformed part header line (no 'Name: value')";
      return;
    }
    last_name = Lower(name);
    part.headers[last_name] = std::string(TrimWhitespace(line.substr(colon + 1)));
  }
  part.content = text.substr(headers_end + 4);
}

}  // namespace

std::string MultipartPart::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<MultipartReader> MultipartReader::Open(std::string_view body, std::string_view boundary) {
  if (!IsValidBoundary(boundary)) {
    return Status::InvalidArgument(
        "the multipart boundary is not 1 to 70 characters RFC 2046 "
        "allows (letters, digits, '()+_,-./:=? and inner spaces)");
  }
  MultipartReader reader(body, "--" + std::string(boundary));
  std::optional<Delimiter> first = NextDelimiter(body, 0, reader.dash_boundary_, true);
  if (!first) {
    return Status::InvalidArgument("the body holds no multipart delimiter line --" +
                                   std::string(boundary));
  }
  reader.Follow(first->close, first->start, first->line_end);
  return reader;
}

void MultipartReader::Follow(bool close, size_t start, size_t line_end) {
  closed_ = close;
  done_ = close || line_end == std::string_view::npos;  // ends in a delimiter line
  position_ = done_ ? start : line_end;
}

std::optional<MultipartPart> MultipartReader::Next() {
  if (done_) return std::nullopt;
  const size_t part_start = position_;
  const std::optional<Delimiter> delimiter =
      NextDelimiter(body_, part_start, dash_boundary_, false);
  MultipartPart part;
  if (!delimiter) {
    part.problem = "the body ends inside this part (truncated: no delimiter after it)";
    done_ = true;
    position_ = body_.size();
    return part;
  }
  ReadPart(body_.substr(part_start, delimiter->start - part_start), part);
  if (!part.problem.empty()) part.content = {};
  Follow(delimiter->close, delimiter->start, delimiter->line_end);
  return part;
}

Result<MultipartBody> ReadMultipart(std::string_view body, std::string_view boundary) {
  auto reader = MultipartReader::Open(body, boundary);
  if (!reader.ok()) return reader.status();
  MultipartBody result;
  while (std::optional<MultipartPart> part = reader->Next())
    result.parts.push_back(std::move(*part));
  result.closed = reader->closed();
  return result;
}

}  // namespace pixeldex::server

#pragma once
// The small text rules HTTP header values share (RFC 9110 5.6), for the
// parsers of Accept, Content-Type and multipart part headers: token
// characters, optional whitespace, and case-insensitive names and types
// (compared in lower case). Pure functions over ASCII; a non-ASCII byte is
// never a token character and keeps its case.

#include <cctype>
#include <string>
#include <string_view>

namespace pixeldex::server {

// RFC 9110 5.6.2: tchar.
inline bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// `text` without leading and trailing OWS (RFC 9110 5.6.3: spaces and tabs).
inline std::string_view TrimOws(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// `text` with A-Z in lower case.
inline std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace pixeldex::server

#pragma once
// HexDigitValue: the value of one hexadecimal digit ('0'-'9', 'a'-'f',
// 'A'-'F'), or -1 for any other character. Shared by the parsers of
// hex-encoded digests and of percent-encoded URL text (RFC 3986 2.1).

namespace pixeldex {

constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace pixeldex

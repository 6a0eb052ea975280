#pragma once
// IconvDecoder: bytes in one named character encoding -> UTF-8, with glibc's
// iconv. The one place iconv's errors are handled: a byte sequence the
// encoding does not define, or that is cut short, becomes U+FFFD (the
// Unicode replacement character) and is counted, and decoding goes on, so
// the output is always valid UTF-8. One decoder per encoding; not
// thread-safe (an iconv descriptor has state), cheap to keep for the
// lifetime of one data set's decoding.

#include <iconv.h>

#include <string>
#include <string_view>

namespace pixeldex::metadata {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

class IconvDecoder {
 public:
  // `encoding` is an iconv name, e.g. "ISO-8859-7", "EUC-JP", "GB18030".
  explicit IconvDecoder(const char* encoding);
  ~IconvDecoder();
  IconvDecoder(const IconvDecoder&) = delete;
  IconvDecoder& operator=(const IconvDecoder&) = delete;

  // False when this iconv does not know the encoding (everything decoded is
  // then replaced).
  bool available() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  // Appends the UTF-8 of `bytes` to `out`; returns how many replacement
  // characters it had to write.
  int Decode(std::string_view bytes, std::string& out);

 private:
  iconv_t cd_;
};

}  // namespace pixeldex::metadata

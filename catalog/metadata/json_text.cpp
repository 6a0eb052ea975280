#include "catalog/metadata/json_text.h"

#include <array>
#include <cstdint>

#include "catalog/common/json_string.h"

namespace pixeldex::metadata {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Index of the first byte after the digits from `i` on.
std::size_t SkipDigits(std::string_view text, std::size_t i) {
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i;
}

// DCMTK's DcmJsonFormat::normalizeDecimalString / normalizeIntegerString
// (dcmdata/libsrc/dcjson.cc), on `text` without its '+' characters.
void AppendNormalizedNumber(std::string& out, std::string_view text, bool decimal) {
  std::size_t i = 0;
  auto skip_plus = [&] {
    while (i < text.size() && text[i] == '+') ++i;
  };
  skip_plus();
  if (i < text.size() && text[i] == '-') {
    out.push_back('-');
    ++i;
  }
  // Leading zeros (the '+' among them do not count).
  for (skip_plus(); i < text.size() && text[i] == '0'; skip_plus()) ++i;
  if (i == text.size()) {
    out.push_back('0');
    return;
  }
  if (decimal && text[i] == '.') out.push_back('0');
  for (; i < text.size(); ++i) {
    if (text[i] != '+') out.push_back(text[i]);
  }
}

}  // namespace

std::array<char, 8> TagKeyHex(std::uint16_t group, std::uint16_t element) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::uint32_t key = (std::uint32_t{group} << 16) | element;
  std::array<char, 8> text;
  for (int i = 0; i < 8; ++i) text[i] = kHex[(key >> (28 - 4 * i)) & 0xf];
  return text;
}

void AppendJsonStringOrNull(std::string& out, std::string_view value) {
  if (value.empty()) {
    out.append("null");
  } else {
    AppendJsonString(out, value);
  }
}

void AppendBase64(std::string& out, const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t start = out.size();
  out.resize(start + (size + 2) / 3 * 4);
  char* dst = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t v =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 0x3f];
    *dst++ = kAlphabet[(v >> 6) & 0x3f];
    *dst++ = kAlphabet[v & 0x3f];
  }
  if (i < size) {
    const bool two = i + 1 < size;
    const std::uint32_t v =
        (std::uint32_t{data[i]} << 16) | (two ? std::uint32_t{data[i + 1]} << 8 : 0);
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 0x3f];
    *dst++ = two ? kAlphabet[(v >> 6) & 0x3f] : '=';
    *dst++ = '=';
  }
}

void AppendDecimalNumber(std::string& out, std::string_view text) {
  if (text.empty()) {
    out.append("null");
  } else {
    AppendNormalizedNumber(out, text, true);
  }
}

void AppendIntegerNumber(std::string& out, std::string_view text) {
  if (text.empty()) {
    out.append("null");
  } else {
    AppendNormalizedNumber(out, text, false);
  }
}

bool IsDecimalStringValue(std::string_view value) {
  if (value.empty()) return true;
  if (value.size() > 16) return false;
  std::size_t i = (value[0] == '+' || value[0] == '-') ? 1 : 0;
  const std::size_t int_end = SkipDigits(value, i);
  std::size_t digits = int_end - i;
  i = int_end;
  if (i < value.size() && value[i] == '.') {
    const std::size_t fraction_end = SkipDigits(value, i + 1);
    digits += fraction_end - (i + 1);
    i = fraction_end;
  }
  if (digits == 0) return false;
  if (i < value.size() && (value[i] == 'e' || value[i] == 'E')) {
    ++i;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
    const std::size_t exponent_end = SkipDigits(value, i);
    if (exponent_end == i) return false;
    i = exponent_end;
  }
  return i == value.size();
}

bool IsIntegerStringValue(std::string_view value) {
  if (value.empty()) return true;
  if (value.size() > 12) return false;
  const bool negative = value[0] == '-';
  std::size_t i = (negative || value[0] == '+') ? 1 : 0;
  if (i == value.size() || SkipDigits(value, i) != value.size()) return false;
  while (i + 1 < value.size() && value[i] == '0') ++i;
  const std::string_view digits = value.substr(i);
  if (digits.size() != 10) return digits.size() < 10;
  return digits <= (negative ? std::string_view("2147483648") : std::string_view("2147483647"));
}

}  // namespace pixeldex::metadata

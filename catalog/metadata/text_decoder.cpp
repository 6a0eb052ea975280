#include "catalog/metadata/text_decoder.h"

namespace pixeldex::metadata {
namespace {

constexpr char kEsc = 0x1b;

bool IsDelimiter(unsigned char b, TextKind kind) {
  if (b == '\\') return kind != TextKind::kSingleValue;
  if (b == '^' || b == '=') return kind == TextKind::kPersonName;
  return false;
}

// PS3.5 6.1.2.5.3: control characters that end a line or a field.
bool IsResettingControl(unsigned char b) {
  return b == '\r' || b == '\n' || b == '\f' || b == '\t';
}

// The escape sequence starting at `bytes[i]` (ESC, intermediate bytes
// 0x20-0x2F, one final byte 0x30-0x7E; ISO/IEC 2022 13.2).
std::string_view EscapeAt(std::string_view bytes, size_t i) {
  size_t end = i + 1;
  while (end < bytes.size() && bytes[end] >= 0x20 && bytes[end] <= 0x2f) ++end;
  if (end < bytes.size() && bytes[end] >= 0x30 && bytes[end] <= 0x7e) ++end;
  return bytes.substr(i, end - i);
}

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

}  // namespace

IconvDecoder& TextDecoder::Iconv(const char* encoding) {
  auto& slot = iconv_[encoding];
  if (!slot) slot = std::make_unique<IconvDecoder>(encoding);
  return *slot;
}

// A run of bytes read in one code element: GL bytes for G0 elements, GR
// bytes for G1 elements.
int TextDecoder::DecodeRun(const CodeElement& element, std::string_view run, std::string& out) {
  if (run.empty()) return 0;
  switch (element.kind) {
    case CodeElementKind::kAscii:
      out += run;
      return 0;
    case CodeElementKind::kSingleByte:
    case CodeElementKind::kEucInG1:
      return Iconv(element.iconv_name).Decode(run, out);
    case CodeElementKind::kKatakana: {
      int replaced = 0;
      for (const unsigned char b : run) {
        // JIS X 0201 0xA1-0xDF are the half-width katakana U+FF61-U+FF9F.
        if (b >= 0xa1 && b <= 0xdf) {
          AppendUtf8(0xff61 + (b - 0xa1), out);
        } else {
          out += kReplacementCharacter;
          ++replaced;
        }
      }
      return replaced;
    }
    case CodeElementKind::kJisX0208:
    case CodeElementKind::kJisX0212: {
      // EUC-JP carries JIS X 0208 in GR (each byte | 0x80) and JIS X 0212
      // behind the single shift SS3 (0x8F).
      std::string euc;
      for (size_t k = 0; k < run.size(); ++k) {
        if (element.kind == CodeElementKind::kJisX0212 && k % 2 == 0) euc += '\x8f';
        euc += static_cast<char>(static_cast<unsigned char>(run[k]) | 0x80);
      }
      return Iconv(element.iconv_name).Decode(euc, out);
    }
  }
  return 0;
}

int TextDecoder::Decode(const CharacterSet& charset, std::string_view bytes, TextKind kind,
                        std::string& out) {
  if (charset.whole_value_encoding != nullptr) {
    return Iconv(charset.whole_value_encoding).Decode(bytes, out);
  }
  const CodeElement* g0 = charset.initial_g0;
  const CodeElement* g1 = charset.initial_g1;
  int replaced = 0;
  size_t run_start = 0;
  const CodeElement* run_element = nullptr;
  auto flush = [&](size_t end) {
    if (run_element != nullptr) {
      replaced += DecodeRun(*run_element, bytes.substr(run_start, end - run_start), out);
    }
    run_element = nullptr;
  };
  auto reset = [&] {
    g0 = charset.initial_g0;
    g1 = charset.initial_g1;
  };
  for (size_t i = 0; i < bytes.size();) {
    const unsigned char b = static_cast<unsigned char>(bytes[i]);
    if (b == kEsc && charset.code_extensions) {
      flush(i);
      const std::string_view escape = EscapeAt(bytes, i);
      if (const CodeElement* designated = FindDesignation(escape)) {
        (designated->in_g1 ? g1 : g0) = designated;
      } else {
        out += kReplacementCharacter;
        ++replaced;
      }
      i += escape.size();
      continue;
    }
    // Space and the control characters are the same in every element.
    const bool multibyte_g0 = g0->kind == CodeElementKind::kJisX0208 ||
                              g0->kind == CodeElementKind::kJisX0212;
    const bool single_byte_gl = b < 0x80 && !multibyte_g0;
    if (b < 0x21 || b == 0x7f || (single_byte_gl && IsDelimiter(b, kind))) {
      flush(i);
      out += static_cast<char>(b);
      if (IsResettingControl(b) || IsDelimiter(b, kind)) reset();
      ++i;
      continue;
    }
    const CodeElement* element = b < 0x80 ? g0 : g1;
    if (element == nullptr) {  // no G1 set in force
      flush(i);
      out += kReplacementCharacter;
      ++replaced;
      ++i;
      continue;
    }
    if (element != run_element) {
      flush(i);
      run_element = element;
      run_start = i;
    }
    ++i;
  }
  flush(bytes.size());
  return replaced;
}

}  // namespace pixeldex::metadata

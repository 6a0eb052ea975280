#pragma once
// TextDecoder: one text value, as the bytes of a data set that declared a
// CharacterSet, -> UTF-8, by PS3.5 6.1.2.5: escape sequences designate code
// elements to G0 and G1 (6.1.2.5.1), bytes 0x21-0x7E are read in G0 and
// 0xA0-0xFF in G1, and the elements of value 1 of (0008,0005) are in force
// again at each value delimiter '\', at '^' and '=' in PN, and at CR, LF,
// FF and TAB (6.1.2.5.3). Each code element is decoded by glibc's iconv
// (JIS X 0208/0212 re-framed as EUC-JP, KS X 1001 as EUC-KR, GB 2312 as
// EUC-CN). Bytes no element in force defines become U+FFFD. One decoder per
// data set (it keeps its iconv descriptors); not thread-safe.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/metadata/character_set.h"
#include "catalog/metadata/iconv_decoder.h"

namespace pixeldex::metadata {

// Which delimiters reset the code elements (PS3.5 6.1.2.5.3).
enum class TextKind {
  kSingleValue,  // ST, LT, UT: '\' is a character
  kMultiValue,   // SH, LO, UC and the default-repertoire VRs: '\' separates values
  kPersonName,   // PN: '\', and '^' and '=' between components and groups
};

class TextDecoder {
 public:
  // Appends the UTF-8 of `bytes` to `out`; returns the number of
  // replacement characters written (0: decoded faithfully).
  int Decode(const CharacterSet& charset, std::string_view bytes, TextKind kind,
             std::string& out);

 private:
  IconvDecoder& Iconv(const char* encoding);
  int DecodeRun(const CodeElement& element, std::string_view run, std::string& out);

  std::map<std::string, std::unique_ptr<IconvDecoder>> iconv_;
};

}  // namespace pixeldex::metadata

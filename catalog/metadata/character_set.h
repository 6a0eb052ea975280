#pragma once
// The character sets a data set may declare in Specific Character Set
// (0008,0005) (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-5), as the code
// elements of ISO/IEC 2022 that PS3.5 6.1.2.5 decodes them with. Pure data
// and a parser; no state, safe from any thread.

#include <string>
#include <string_view>
#include <vector>

namespace pixeldex::metadata {

// How the bytes of one code element become characters.
enum class CodeElementKind {
  kAscii,       // ISO-IR 6 (and JIS X 0201 Romaji, read as ASCII like pydicom does)
  kSingleByte,  // a 96-character set in G1, e.g. ISO-IR 100 (ISO 8859-1) via iconv
  kKatakana,    // JIS X 0201 Katakana (ISO-IR 13) in G1
  kJisX0208,    // ISO-IR 87, 94x94 in G0: re-framed as EUC-JP
  kJisX0212,    // ISO-IR 159, 94x94 in G0: re-framed as EUC-JP (SS3)
  kEucInG1,     // ISO-IR 149 (KS X 1001), ISO-IR 58 (GB 2312): 94x94 in G1, i.e. EUC
};

struct CodeElement {
  const char* name;          // e.g. "ISO-IR 87"
  CodeElementKind kind;
  bool in_g1;                // designated to G1 (else G0)
  std::string_view escape;   // ISO 2022 designation sequence, ESC included
  const char* iconv_name;    // encoding iconv decodes it with; nullptr when not needed
};

// A parsed (0008,0005) value.
struct CharacterSet {
  // A set without code extensions that covers whole values (ISO_IR 192,
  // GB18030, GBK): the value is decoded by iconv in one piece. nullptr
  // otherwise.
  const char* whole_value_encoding = nullptr;
  // The elements in force at the start of each value and after each
  // delimiter (PS3.5 6.1.2.5.3): value 1 of (0008,0005), ASCII when empty.
  const CodeElement* initial_g0 = nullptr;
  const CodeElement* initial_g1 = nullptr;  // nullptr: no G1 set (bytes >= 0x80 invalid)
  // Some value names an ISO 2022 set: escape sequences switch G0 and G1.
  bool code_extensions = false;
  // Defined terms this build does not know (decoded as ASCII).
  std::vector<std::string> unknown_terms;
};

// Parses the whole (0008,0005) value ('\'-separated defined terms, padding
// ignored). An empty value is the default repertoire (ISO-IR 6).
CharacterSet ParseSpecificCharacterSet(std::string_view value);

// The code element an escape sequence (ESC included) designates, or nullptr.
const CodeElement* FindDesignation(std::string_view escape);

// ISO-IR 6, the default repertoire.
const CodeElement& AsciiElement();

}  // namespace pixeldex::metadata

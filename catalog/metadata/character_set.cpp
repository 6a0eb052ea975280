#include "catalog/metadata/character_set.h"

#include <array>

namespace pixeldex::metadata {
namespace {

using K = CodeElementKind;

// PS3.3 Tables C.12-3 and C.12-4: the code elements and their escape
// sequences (PS3.5 6.1.2.5.1).
constexpr std::array<CodeElement, 18> kElements{{
    {"ISO-IR 6", K::kAscii, false, "\x1b(B", nullptr},
    {"ISO-IR 100", K::kSingleByte, true, "\x1b-A", "ISO-8859-1"},
    {"ISO-IR 101", K::kSingleByte, true, "\x1b-B", "ISO-8859-2"},
    {"ISO-IR 109", K::kSingleByte, true, "\x1b-C", "ISO-8859-3"},
    {"ISO-IR 110", K::kSingleByte, true, "\x1b-D", "ISO-8859-4"},
    {"ISO-IR 144", K::kSingleByte, true, "\x1b-L", "ISO-8859-5"},
    {"ISO-IR 127", K::kSingleByte, true, "\x1b-G", "ISO-8859-6"},
    {"ISO-IR 126", K::kSingleByte, true, "\x1b-F", "ISO-8859-7"},
    {"ISO-IR 138", K::kSingleByte, true, "\x1b-H", "ISO-8859-8"},
    {"ISO-IR 148", K::kSingleByte, true, "\x1b-M", "ISO-8859-9"},
    {"ISO-IR 203", K::kSingleByte, true, "\x1b-b", "ISO-8859-15"},
    {"ISO-IR 166", K::kSingleByte, true, "\x1b-T", "TIS-620"},
    {"ISO-IR 13", K::kKatakana, true, "\x1b)I", nullptr},
    {"ISO-IR 14", K::kAscii, false, "\x1b(J", nullptr},  // JIS X 0201 Romaji
    {"ISO-IR 87", K::kJisX0208, false, "\x1b$B", "EUC-JP"},
    {"ISO-IR 159", K::kJisX0212, false, "\x1b$(D", "EUC-JP"},
    {"ISO-IR 149", K::kEucInG1, true, "\x1b$)C", "EUC-KR"},
    {"ISO-IR 58", K::kEucInG1, true, "\x1b$)A", "EUC-CN"},
}};

const CodeElement* Element(std::string_view name) {
  for (const CodeElement& e : kElements) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

struct Term {
  std::string_view term;
  const char* g0;  // element names; nullptr: ASCII / none
  const char* g1;
  bool iso2022;
  const char* whole_value_encoding;
};

// PS3.3 Tables C.12-2 (single-byte, no extensions), C.12-3 (single-byte
// with extensions), C.12-4 (multi-byte with extensions), C.12-5
// (multi-byte without extensions).
constexpr std::array<Term, 33> kTerms{{
    {"ISO_IR 6", nullptr, nullptr, false, nullptr},
    {"ISO_IR 100", nullptr, "ISO-IR 100", false, nullptr},
    {"ISO_IR 101", nullptr, "ISO-IR 101", false, nullptr},
    {"ISO_IR 109", nullptr, "ISO-IR 109", false, nullptr},
    {"ISO_IR 110", nullptr, "ISO-IR 110", false, nullptr},
    {"ISO_IR 144", nullptr, "ISO-IR 144", false, nullptr},
    {"ISO_IR 127", nullptr, "ISO-IR 127", false, nullptr},
    {"ISO_IR 126", nullptr, "ISO-IR 126", false, nullptr},
    {"ISO_IR 138", nullptr, "ISO-IR 138", false, nullptr},
    {"ISO_IR 148", nullptr, "ISO-IR 148", false, nullptr},
    {"ISO_IR 203", nullptr, "ISO-IR 203", false, nullptr},
    {"ISO_IR 166", nullptr, "ISO-IR 166", false, nullptr},
    {"ISO_IR 13", "ISO-IR 14", "ISO-IR 13", false, nullptr},
    {"ISO 2022 IR 6", nullptr, nullptr, true, nullptr},
    {"ISO 2022 IR 100", nullptr, "ISO-IR 100", true, nullptr},
    {"ISO 2022 IR 101", nullptr, "ISO-IR 101", true, nullptr},
    {"ISO 2022 IR 109", nullptr, "ISO-IR 109", true, nullptr},
    {"ISO 2022 IR 110", nullptr, "ISO-IR 110", true, nullptr},
    {"ISO 2022 IR 144", nullptr, "ISO-IR 144", true, nullptr},
    {"ISO 2022 IR 127", nullptr, "ISO-IR 127", true, nullptr},
    {"ISO 2022 IR 126", nullptr, "ISO-IR 126", true, nullptr},
    {"ISO 2022 IR 138", nullptr, "ISO-IR 138", true, nullptr},
    {"ISO 2022 IR 148", nullptr, "ISO-IR 148", true, nullptr},
    {"ISO 2022 IR 203", nullptr, "ISO-IR 203", true, nullptr},
    {"ISO 2022 IR 166", nullptr, "ISO-IR 166", true, nullptr},
    {"ISO 2022 IR 13", "ISO-IR 14", "ISO-IR 13", true, nullptr},
    {"ISO 2022 IR 87", nullptr, nullptr, true, nullptr},   // G0 only after its escape
    {"ISO 2022 IR 159", nullptr, nullptr, true, nullptr},  // G0 only after its escape
    {"ISO 2022 IR 149", nullptr, "ISO-IR 149", true, nullptr},
    {"ISO 2022 IR 58", nullptr, "ISO-IR 58", true, nullptr},
    {"ISO_IR 192", nullptr, nullptr, false, "UTF-8"},
    {"GB18030", nullptr, nullptr, false, "GB18030"},
    {"GBK", nullptr, nullptr, false, "GBK"},
}};

const Term* FindTerm(std::string_view term) {
  for (const Term& t : kTerms) {
    if (t.term == term) return &t;
  }
  return nullptr;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\0')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

}  // namespace

const CodeElement& AsciiElement() { return kElements[0]; }

const CodeElement* FindDesignation(std::string_view escape) {
  for (const CodeElement& e : kElements) {
    if (e.escape == escape) return &e;
  }
  // ESC $ @ (JIS C 6226-1978) and ESC $ B are both JIS X 0208 in practice.
  if (escape == "\x1b$@") return Element("ISO-IR 87");
  return nullptr;
}

CharacterSet ParseSpecificCharacterSet(std::string_view value) {
  CharacterSet set;
  set.initial_g0 = &AsciiElement();
  bool first = true;
  while (true) {
    const size_t cut = value.find('\\');
    const std::string_view term = Trim(value.substr(0, cut));
    const Term* t = term.empty() ? nullptr : FindTerm(term);
    if (!term.empty() && t == nullptr) set.unknown_terms.emplace_back(term);
    if (t != nullptr) {
      if (t->iso2022) set.code_extensions = true;
      // PS3.5 6.1.2.5.3: value 1 is what each value starts with.
      if (first) {
        set.whole_value_encoding = t->whole_value_encoding;
        if (t->g0 != nullptr) set.initial_g0 = Element(t->g0);
        if (t->g1 != nullptr) set.initial_g1 = Element(t->g1);
      }
    }
    first = false;
    if (cut == std::string_view::npos) break;
    value.remove_prefix(cut + 1);
  }
  // A set without code extensions cannot be combined with others (PS3.3
  // C.12.1.1.2); when value 1 is one, the other values are ignored.
  if (set.whole_value_encoding != nullptr) set.code_extensions = false;
  return set;
}

}  // namespace pixeldex::metadata

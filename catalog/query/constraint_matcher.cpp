#include "catalog/query/constraint_matcher.h"

#include <cstdlib>
#include <string>

namespace pixeldex::query {
namespace {

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsFolded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (FoldAscii(a[k]) != FoldAscii(b[k])) return false;
  }
  return true;
}

// Length in bytes of the UTF-8 character starting at text[pos].
size_t CharLength(std::string_view text, size_t pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return std::min(n, text.size() - pos);
}

bool PassesTest(const ValueTest& test, const Constraint& c, std::string_view stored) {
  switch (test.kind) {
    case ValueTest::Kind::kEquals:
      return c.case_insensitive ? EqualsFolded(test.text, stored) : test.text == stored;
    case ValueTest::Kind::kPattern:
      return WildcardMatch(test.text, stored, c.case_insensitive);
    case ValueTest::Kind::kRange: {
      const std::string s = NormalizeStoredTime(c.vr, stored);
      return (!test.lower || s >= *test.lower) && (!test.upper || s <= *test.upper);
    }
    case ValueTest::Kind::kNumber: {
      const std::string text(stored);
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      return end != text.c_str() && *end == '\0' && v == test.number;
    }
  }
  return false;
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool case_insensitive) {
  // Iterative glob with single-star backtracking.
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      t += CharLength(text, t);
    } else if (p < pattern.size() &&
               (case_insensitive ? FoldAscii(pattern[p]) == FoldAscii(text[t])
                                 : pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      star_t += CharLength(text, star_t);
      t = star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool MatchesValue(const Constraint& constraint, std::string_view stored) {
  if (constraint.universal) return true;
  if (stored.empty()) return false;
  for (const ValueTest& test : constraint.any_of) {
    if (PassesTest(test, constraint, stored)) return true;
  }
  return false;
}

bool Matches(const Constraint& constraint, const ResponseAttribute* stored) {
  if (constraint.universal) return true;
  if (stored == nullptr) return false;
  if (!constraint.item.empty()) {
    // PS3.4 C.2.2.2.6: at least one item matches all keys of the request item.
    for (const auto& item : stored->items) {
      bool all = true;
      for (const Constraint& sub : constraint.item) {
        const ResponseAttribute* found = nullptr;
        for (const auto& a : item) {
          if (a.tag == sub.tag) found = &a;
        }
        if (!Matches(sub, found)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
  for (const std::string& value : stored->values) {
    if (MatchesValue(constraint, value)) return true;
  }
  return false;
}

bool MatchesDateTime(const DateTimeRange& range, std::string_view stored_date,
                     std::string_view stored_time) {
  if (stored_date.empty() || stored_time.empty()) return false;
  const std::string s = std::string(stored_date) + NormalizeStoredTime("TM", stored_time);
  return (!range.lower || s >= *range.lower) && (!range.upper || s <= *range.upper);
}

}  // namespace pixeldex::query

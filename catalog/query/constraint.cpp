#include "catalog/query/constraint.h"

#include <algorithm>
#include <cstdlib>

namespace pixeldex::query {
namespace {

bool IsOneOf(std::string_view vr, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), vr) != set.end();
}

// VRs whose single value may contain a backslash (PS3.5 6.2), so it never
// separates values.
bool IsSingleValuedText(std::string_view vr) { return IsOneOf(vr, {"LT", "ST", "UT", "UR"}); }

bool AllStars(std::string_view v) {
  return !v.empty() && v.find_first_not_of('*') == std::string_view::npos;
}

bool DigitsAndDot(std::string_view v) {
  return v.find_first_not_of("0123456789.") == std::string_view::npos;
}

// Normalises one range bound (or a partial-precision single value) of a DA,
// TM or DT key so that plain string comparison against NormalizeStoredTime
// values is correct: missing digits become '0' for a lower bound and '9' for
// an upper bound, so the bound covers the whole precision it names
// (PS3.4 C.2.2.2.5, e.g. TM "1000-1100" includes 11:00:59.999999).
Result<std::string> NormalizeBound(std::string_view vr, std::string_view bound, bool upper) {
  std::string_view v = bound;
  if (vr == "DT") {
    // PS3.5 DT may end with a UTC offset "&ZZXX"; pixeldex compares the
    // stored text as is and ignores the offset of a key.
    const size_t offset = v.find('+');
    if (offset != std::string_view::npos) v = v.substr(0, offset);
  }
  if (v.empty() || !DigitsAndDot(v)) {
    return Status::InvalidArgument("malformed " + std::string(vr) + " value '" +
                                   std::string(bound) + "'");
  }
  const char fill = upper ? '9' : '0';
  if (vr == "DA") {
    if (v.find('.') != std::string_view::npos) {
      return Status::InvalidArgument("malformed DA value '" + std::string(bound) + "'");
    }
    std::string out(v);
    if (out.size() < 8) out.append(8 - out.size(), fill);
    return out;
  }
  const size_t width = vr == "TM" ? 6 : 14;
  const size_t dot = v.find('.');
  std::string digits(v.substr(0, dot));
  std::string fraction = dot == std::string_view::npos ? "" : std::string(v.substr(dot + 1));
  if (digits.size() > width || fraction.find('.') != std::string::npos) {
    return Status::InvalidArgument("malformed " + std::string(vr) + " value '" +
                                   std::string(bound) + "'");
  }
  const bool partial = digits.size() < width;
  digits.append(width - digits.size(), fill);
  if (!upper) return fraction.empty() || partial ? digits : digits + "." + fraction;
  if (partial) fraction.clear();
  fraction.append(6 - std::min<size_t>(6, fraction.size()), '9');
  return digits + "." + fraction;
}

Result<ValueTest> ParseRange(std::string_view vr, std::string_view value) {
  ValueTest test;
  test.kind = ValueTest::Kind::kRange;
  const size_t dash = value.find('-');
  std::string_view lo = value.substr(0, dash);
  std::string_view hi = dash == std::string_view::npos ? value : value.substr(dash + 1);
  if (!lo.empty()) {
    auto b = NormalizeBound(vr, lo, false);
    if (!b.ok()) return b.status();
    test.lower = *b;
  }
  if (!hi.empty()) {
    auto b = NormalizeBound(vr, hi, true);
    if (!b.ok()) return b.status();
    test.upper = *b;
  }
  return test;
}

// Parses one value of a (possibly multi-valued) key; nullopt = universal.
Result<std::optional<ValueTest>> ParseOne(std::string_view vr, std::string_view raw) {
  const std::string_view value = TrimValue(vr, raw);
  if (value.empty() || AllStars(value)) return std::optional<ValueTest>();  // C.2.2.2.3
  ValueTest test;
  if (IsDateTimeVr(vr)) {
    // PS3.4 C.2.2.2.5: range matching; a single TM/DT value is the range of
    // its precision, a single DA value matches exactly.
    if (value.find('-') != std::string_view::npos) {
      if (value == "-") return std::optional<ValueTest>();
      auto range = ParseRange(vr, value);
      if (!range.ok()) return range.status();
      return std::optional<ValueTest>(*range);
    }
    if (vr != "DA") {
      auto range = ParseRange(vr, std::string(value) + "-" + std::string(value));
      if (!range.ok()) return range.status();
      return std::optional<ValueTest>(*range);
    }
  } else if (IsNumericVr(vr)) {
    const std::string text(value);
    char* end = nullptr;
    test.number = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0') {
      return Status::InvalidArgument("value '" + text + "' is not a valid " + std::string(vr));
    }
    test.kind = ValueTest::Kind::kNumber;
    return std::optional<ValueTest>(test);
  } else if (!WildcardsExcluded(vr) &&
             value.find_first_of("*?") != std::string_view::npos) {
    test.kind = ValueTest::Kind::kPattern;  // PS3.4 C.2.2.2.4: wildcard matching
  }
  test.text = std::string(value);
  return std::optional<ValueTest>(test);
}

}  // namespace

bool IsDateTimeVr(std::string_view vr) { return IsOneOf(vr, {"DA", "TM", "DT"}); }

bool IsNumericVr(std::string_view vr) {
  return IsOneOf(vr, {"IS", "DS", "SS", "US", "SL", "UL", "FL", "FD", "SV", "UV"});
}

bool WildcardsExcluded(std::string_view vr) {
  return IsOneOf(vr, {"DA", "TM", "DT", "SL", "SS", "US", "UL", "FL", "FD", "OB", "OW", "OD",
                      "OF", "OL", "OV", "UN", "AT", "DS", "IS", "AS", "UI", "SV", "UV"});
}

std::string NormalizeStoredTime(std::string_view vr, std::string_view stored) {
  std::string out(stored);
  const size_t width = vr == "TM" ? 6 : vr == "DT" ? 14 : 0;
  if (out.size() < width) out.append(width - out.size(), '0');
  return out;
}

std::string_view TrimValue(std::string_view vr, std::string_view value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.remove_suffix(1);
  if (!IsOneOf(vr, {"LT", "ST", "UT"})) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  return value;
}

std::optional<Tag> PairedTimeTag(Tag date_tag) {
  // Study, Series, Acquisition, Content Date -> the Time of the same name.
  if (date_tag.group == 0x0008 && date_tag.element >= 0x0020 && date_tag.element <= 0x0023) {
    return Tag{0x0008, static_cast<uint16_t>(date_tag.element + 0x10)};
  }
  return std::nullopt;
}

std::optional<DateTimeRange> CombineDateTime(const Constraint& date, const Constraint& time) {
  if (date.universal || time.universal || date.any_of.size() != 1 || time.any_of.size() != 1) {
    return std::nullopt;
  }
  const ValueTest& d = date.any_of.front();
  const ValueTest& t = time.any_of.front();
  if (t.kind != ValueTest::Kind::kRange) return std::nullopt;
  DateTimeRange r;
  if (d.kind == ValueTest::Kind::kEquals) {
    r.date_lower = r.date_upper = d.text;
  } else if (d.kind == ValueTest::Kind::kRange) {
    r.date_lower = d.lower;
    r.date_upper = d.upper;
  } else {
    return std::nullopt;
  }
  if (r.date_lower) r.lower = *r.date_lower + t.lower.value_or("000000");
  if (r.date_upper) r.upper = *r.date_upper + t.upper.value_or("999999.999999");
  return r;
}

Result<Constraint> ParseConstraint(const QueryKey& key, const FindOptions& options) {
  Constraint c;
  c.tag = key.tag;
  c.vr = key.vr;
  c.case_insensitive = key.vr == "PN" && options.pn_case_insensitive;
  if (key.vr == "SQ" || !key.items.empty()) {
    // PS3.4 C.2.2.2.6: sequence matching; zero items or an item of universal
    // keys is universal matching.
    if (key.items.size() > 1) {
      return Status::InvalidArgument("sequence key " + key.tag.ToString() +
                                     " has more than one item");
    }
    if (key.items.empty()) return c;
    for (const QueryKey& sub : key.items.front()) {
      auto parsed = ParseConstraint(sub, options);
      if (!parsed.ok()) return parsed.status();
      if (!parsed->universal) c.universal = false;
      c.item.push_back(std::move(*parsed));
    }
    return c;
  }
  std::vector<std::string_view> pieces;
  std::string_view rest = key.value;
  if (IsSingleValuedText(key.vr)) {
    pieces.push_back(rest);
  } else {
    for (size_t pos; (pos = rest.find('\\')) != std::string_view::npos;) {
      pieces.push_back(rest.substr(0, pos));
      rest.remove_prefix(pos + 1);
    }
    pieces.push_back(rest);
  }
  bool any_universal = false;
  for (std::string_view piece : pieces) {
    if (pieces.size() > 1 && TrimValue(key.vr, piece).empty()) continue;  // "CT\" etc.
    auto test = ParseOne(key.vr, piece);
    if (!test.ok()) return test.status();
    if (!test->has_value()) {
      any_universal = true;
    } else {
      c.any_of.push_back(std::move(**test));
    }
  }
  c.universal = any_universal || c.any_of.empty();
  if (c.universal) c.any_of.clear();
  return c;
}

}  // namespace pixeldex::query

#include "server/dicomweb/dicom_json_writer.h"

#include <string_view>

#include "catalog/common/json_string.h"

namespace pixeldex::server {
namespace {

bool IsNumberVr(const std::string& vr) {
  return vr == "IS" || vr == "DS" || vr == "SL" || vr == "SS" || vr == "UL" || vr == "US" ||
         vr == "FL" || vr == "FD" || vr == "SV" || vr == "UV";
}

// `text` without the space and NUL padding of PS3.5 6.2.
std::string_view TrimPadding(std::string_view text) {
  const size_t begin = text.find_first_not_of(std::string_view(" \0", 2));
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(std::string_view(" \0", 2));
  return text.substr(begin, end - begin + 1);
}

// RFC 8259 6: -? int frac? exp?, no leading zeros, no "+", no "NaN".
bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  const size_t int_start = i;
  const size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && text[int_start] == '0')) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

void AppendPersonName(std::string& out, std::string_view value) {
  static constexpr const char* kGroups[] = {"Alphabetic", "Ideographic", "Phonetic"};
  out += '{';
  bool first = true;
  size_t start = 0;
  for (int group = 0; group < 3 && start <= value.size(); ++group) {
    const size_t eq = value.find('=', start);
    const std::string_view text =
        value.substr(start, eq == std::string_view::npos ? std::string_view::npos : eq - start);
    if (!text.empty()) {
      if (!first) out += ',';
      first = false;
      AppendJsonString(out, kGroups[group]);
      out += ':';
      AppendJsonString(out, text);
    }
    if (eq == std::string_view::npos) break;
    start = eq + 1;
  }
  out += '}';
}

void AppendValue(std::string& out, const std::string& vr, std::string_view value) {
  if (value.empty()) {
    out += "null";
  } else if (vr == "PN") {
    AppendPersonName(out, value);
  } else if (IsNumberVr(vr) && IsJsonNumber(TrimPadding(value))) {
    std::string_view number = TrimPadding(value);
    // "+5" and "05" are valid IS text but not JSON: IsJsonNumber refused
    // them above, so they stay strings.
    out.append(number);
  } else {
    AppendJsonString(out, value);
  }
}

// A typed index column keeps a multi-valued value with its backslashes
// (PS3.5 6.4); DICOM JSON lists the values. LT, ST, UT, UR and UC hold one
// value in which a backslash is text. Calls `each` with every value.
template <typename Each>
void ForEachValue(const std::string& vr, std::string_view value, Each each) {
  if (vr == "LT" || vr == "ST" || vr == "UT" || vr == "UR" || vr == "UC") {
    each(value);
    return;
  }
  for (;;) {
    const size_t at = value.find('\\');
    each(value.substr(0, at));
    if (at == std::string_view::npos) return;
    value.remove_prefix(at + 1);
  }
}

// Appends one attribute as `"GGGGEEEE":{...}`.
void AppendAttribute(std::string& out, const query::ResponseAttribute& attribute) {
  out += '"';  // the tag's hex digits need no escape
  out += attribute.tag.Hex();
  out += "\":{\"vr\":";
  AppendJsonString(out, attribute.vr);
  if (attribute.vr == "SQ" && !attribute.items.empty()) {
    out += ",\"Value\":[";
    for (size_t i = 0; i < attribute.items.size(); ++i) {
      if (i > 0) out += ',';
      AppendDicomJsonObject(out, attribute.items[i]);
    }
    out += ']';
  } else if (!attribute.values.empty() &&
             !(attribute.values.size() == 1 && attribute.values[0].empty())) {
    out += ",\"Value\":[";
    bool first_value = true;
    for (const std::string& value : attribute.values) {
      ForEachValue(attribute.vr, value, [&](std::string_view one) {
        if (!first_value) out += ',';
        first_value = false;
        AppendValue(out, attribute.vr, one);
      });
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

void AppendDicomJsonObject(std::string& out,
                           const std::vector<query::ResponseAttribute>& attributes) {
  AppendDicomJsonObject(out, attributes, {});
}

void AppendDicomJsonObject(std::string& out, std::span<const query::ResponseAttribute> attributes,
                           std::span<const query::ResponseAttribute> extra) {
  out += '{';
  bool first = true;
  auto next = attributes.begin();
  auto next_extra = extra.begin();
  while (next != attributes.end() || next_extra != extra.end()) {
    const bool take_extra =
        next == attributes.end() || (next_extra != extra.end() && next_extra->tag < next->tag);
    const query::ResponseAttribute& attribute = take_extra ? *next_extra++ : *next++;
    if (attribute.tag == query::kSpecificCharacterSet ||
        attribute.tag == query::kQueryRetrieveLevel) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    AppendAttribute(out, attribute);
  }
  out += '}';
}

}  // namespace pixeldex::server

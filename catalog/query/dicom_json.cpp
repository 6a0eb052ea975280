#include "catalog/query/dicom_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "catalog/common/hex_digit.h"

namespace pixeldex::query {
namespace {

// ordered_json keeps an object's members in a vector: cheaper than std::map
// for the few members a DICOM JSON object has.
using Json = nlohmann::ordered_json;

// Deeper nesting than any stored header has (catalog/metadata/sequence_depth.h
// bounds what is stored) is refused as corrupt.
constexpr size_t kMaxDepth = 64;

// Builds the document from nlohmann's SAX events as Json::parse would, except
// that every number becomes a JSON string holding its text: DS and IS values
// reach the C-FIND response as stored ("1.250", "-3e2"), which a double would
// not keep. A fraction or exponent keeps the text as written; an integer's
// text is rebuilt from its value, which is the same text for every JSON
// integer but "-0" (read as "0").
class NumbersAsTextBuilder {
 public:
  explicit NumbersAsTextBuilder(Json* root) : root_(root) {}

  bool null() { return Add(nullptr); }
  bool boolean(bool value) { return Add(value); }
  bool number_integer(Json::number_integer_t value) { return Add(std::to_string(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return Add(std::to_string(value)); }
  bool number_float(Json::number_float_t, const std::string& text) { return Add(text); }
  bool string(std::string& value) { return Add(std::move(value)); }
  bool binary(Json::binary_t&) { return false; }  // not in JSON text
  bool start_object(size_t) { return Open(Json::object()); }
  bool key(std::string& key) {
    key_ = std::move(key);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(size_t) { return Open(Json::array()); }
  bool end_array() { return Close(); }
  bool parse_error(size_t, const std::string&, const Json::exception&) { return false; }

 private:
  bool Add(Json value) {
    Place(std::move(value));
    return true;
  }
  // Puts `value` in the open container (or at the root); returns where.
  Json* Place(Json value) {
    if (open_.empty()) {
      *root_ = std::move(value);
      return root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    return &(parent[key_] = std::move(value));
  }
  // A container stays where Place put it while it is open: nothing is added
  // to its parent until it closes.
  bool Open(Json container) {
    if (open_.size() >= kMaxDepth) return false;
    open_.push_back(Place(std::move(container)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  Json* root_;
  std::vector<Json*> open_;
  std::string key_;
};

// A string (a number's text included), or "" for null, true, false and arrays.
std::string ValueText(const Json& v) { return v.is_string() ? v.get<std::string>() : ""; }

// PS3.18 F.2.2: the groups back into "Alphabetic=Ideographic=Phonetic".
std::string PersonName(const Json& v) {
  std::string out;
  const char* groups[] = {"Alphabetic", "Ideographic", "Phonetic"};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) out += '=';
    const auto g = v.find(groups[k]);
    if (g != v.end()) out += ValueText(*g);
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

Status ToAttribute(Tag tag, const Json& element, ResponseAttribute* out) {
  if (!element.is_object()) return Status::Corruption("attribute is not an object");
  out->tag = tag;
  if (const auto vr = element.find("vr"); vr != element.end()) out->vr = ValueText(*vr);
  const auto values = element.find("Value");
  if (values == element.end() || !values->is_array()) return Status::Ok();
  for (const Json& v : *values) {
    if (out->vr == "SQ") {
      std::vector<ResponseAttribute> item;
      if (v.is_object()) {
        for (const auto& [key, child] : v.items()) {
          Tag child_tag;
          if (!ParseTagHex(key, &child_tag)) return Status::Corruption("bad tag " + key);
          ResponseAttribute attribute;
          PIXELDEX_RETURN_IF_ERROR(ToAttribute(child_tag, child, &attribute));
          item.push_back(std::move(attribute));
        }
      }
      std::sort(item.begin(), item.end(),
                [](const auto& a, const auto& b) { return a.tag < b.tag; });
      out->items.push_back(std::move(item));
    } else if (v.is_object()) {
      out->values.push_back(PersonName(v));
    } else {
      out->values.push_back(ValueText(v));  // null -> empty value
    }
  }
  return Status::Ok();
}

}  // namespace

bool ParseTagHex(std::string_view hex, Tag* tag) {
  if (hex.size() != 8) return false;
  uint32_t v = 0;
  for (char c : hex) {
    const int digit = HexDigitValue(c);
    if (digit < 0) return false;
    v = (v << 4) | static_cast<uint32_t>(digit);
  }
  *tag = Tag{static_cast<uint16_t>(v >> 16), static_cast<uint16_t>(v & 0xFFFF)};
  return true;
}

Result<ResponseAttribute> ParseDicomJsonAttribute(Tag tag, std::string_view json) {
  Json root;
  NumbersAsTextBuilder builder(&root);
  // With a SAX handler, malformed input is reported to parse_error, not thrown.
  if (!Json::sax_parse(json.begin(), json.end(), &builder)) {
    return Status::Corruption("malformed DICOM JSON for " + tag.ToString());
  }
  ResponseAttribute attribute;
  Status s = ToAttribute(tag, root, &attribute);
  if (!s.ok()) return Status::Corruption(tag.ToString() + ": " + s.message());
  return attribute;
}

}  // namespace pixeldex::query

#include "catalog/query/dicom_json.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pixeldex::query {
namespace {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  std::string text;  // string value, or number/bool text
  std::vector<Json> array;
  // A member of an object; defined below, where Json is complete (a
  // std::pair<std::string, Json> here does not compile with clang).
  struct Member;
  std::vector<Member> object;
  const Json* Get(std::string_view key) const;
};

struct Json::Member {
  std::string key;
  Json value;
};

const Json* Json::Get(std::string_view key) const {
  for (const auto& [k, v] : object) {
    if (k == key) return &v;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}
  bool Parse(Json* out) {
    if (!Value(out, 0)) return false;
    Ws();
    return pos_ == s_.size();
  }

 private:
  void Ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' ||
                                s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool Hex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[pos_++];
      *cp <<= 4;
      if (c >= '0' && c <= '9') *cp |= c - '0';
      else if (c >= 'a' && c <= 'f') *cp |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') *cp |= c - 'A' + 10;
      else return false;
    }
    return true;
  }
  bool String(std::string* out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (pos_ >= s_.size()) return false;
      c = s_[pos_++];
      switch (c) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && Literal("\\u")) {
            uint32_t low = 0;
            if (!Hex4(&low)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default: *out += c;  // '"', '\\', '/'
      }
    }
    if (pos_ >= s_.size()) return false;
    ++pos_;
    return true;
  }
  bool Value(Json* out, int depth) {
    if (depth > 64) return false;
    Ws();
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c == '"') {
      out->type = Json::Type::kString;
      return String(&out->text);
    }
    if (c == '{' || c == '[') {
      const bool is_object = c == '{';
      out->type = is_object ? Json::Type::kObject : Json::Type::kArray;
      ++pos_;
      Ws();
      if (pos_ < s_.size() && s_[pos_] == (is_object ? '}' : ']')) {
        ++pos_;
        return true;
      }
      while (true) {
        Ws();
        std::string key;
        if (is_object) {
          if (!String(&key)) return false;
          Ws();
          if (!Literal(":")) return false;
        }
        Json child;
        if (!Value(&child, depth + 1)) return false;
        if (is_object) {
          out->object.push_back({std::move(key), std::move(child)});
        } else {
          out->array.push_back(std::move(child));
        }
        Ws();
        if (Literal(",")) continue;
        return Literal(is_object ? "}" : "]");
      }
    }
    if (Literal("null")) return true;
    if (Literal("true") || Literal("false")) {
      out->type = Json::Type::kBool;
      return true;
    }
    const size_t start = pos_;
    while (pos_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[pos_]) !=
                                   std::string_view::npos) {
      ++pos_;
    }
    if (pos_ == start) return false;
    out->type = Json::Type::kNumber;
    out->text = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::string PersonName(const Json& v) {
  std::string out;
  const char* groups[] = {"Alphabetic", "Ideographic", "Phonetic"};
  for (int k = 0; k < 3; ++k) {
    const Json* g = v.Get(groups[k]);
    if (k > 0) out += '=';
    if (g && g->type == Json::Type::kString) out += g->text;
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

Status ToAttribute(Tag tag, const Json& element, ResponseAttribute* out) {
  if (element.type != Json::Type::kObject) return Status::Corruption("attribute is not an object");
  out->tag = tag;
  if (const Json* vr = element.Get("vr")) out->vr = vr->text;
  const Json* values = element.Get("Value");
  if (values == nullptr || values->type != Json::Type::kArray) return Status::Ok();
  for (const Json& v : values->array) {
    if (out->vr == "SQ") {
      std::vector<ResponseAttribute> item;
      for (const auto& [key, child] : v.object) {
        Tag child_tag;
        if (!ParseTagHex(key, &child_tag)) return Status::Corruption("bad tag " + key);
        ResponseAttribute attribute;
        PIXELDEX_RETURN_IF_ERROR(ToAttribute(child_tag, child, &attribute));
        item.push_back(std::move(attribute));
      }
      std::sort(item.begin(), item.end(),
                [](const auto& a, const auto& b) { return a.tag < b.tag; });
      out->items.push_back(std::move(item));
    } else if (v.type == Json::Type::kObject) {
      out->values.push_back(PersonName(v));
    } else {
      out->values.push_back(v.text);  // null -> empty value
    }
  }
  return Status::Ok();
}

}  // namespace

bool ParseTagHex(std::string_view hex, Tag* tag) {
  if (hex.size() != 8) return false;
  uint32_t v = 0;
  for (char c : hex) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return false;
  }
  *tag = Tag{static_cast<uint16_t>(v >> 16), static_cast<uint16_t>(v & 0xFFFF)};
  return true;
}

Result<ResponseAttribute> ParseDicomJsonAttribute(Tag tag, std::string_view json) {
  Json root;
  if (!Parser(json).Parse(&root)) {
    return Status::Corruption("malformed DICOM JSON for " + tag.ToString());
  }
  ResponseAttribute attribute;
  Status s = ToAttribute(tag, root, &attribute);
  if (!s.ok()) return Status::Corruption(tag.ToString() + ": " + s.message());
  return attribute;
}

}  // namespace pixeldex::query

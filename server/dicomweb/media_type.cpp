#include "server/dicomweb/media_type.h"

#include <string_view>

#include "server/http/header_text.h"

namespace pixeldex::server {
namespace {

// Reads `text` from left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  void SkipWhitespace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) ++pos_;
  }
  bool Take(char c) {
    if (AtEnd() || Peek() != c) return false;
    ++pos_;
    return true;
  }
  // With `slash`, '/' is taken too: clients send type=application/dicom
  // unquoted, which RFC 9110 would have quoted.
  std::string_view Token(bool slash = false) {
    const size_t start = pos_;
    while (!AtEnd() && (IsTokenChar(Peek()) || (slash && Peek() == '/'))) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // RFC 9110 5.6.4, after the opening quote; false when unterminated.
  bool QuotedRest(std::string* value) {
    while (!AtEnd()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (AtEnd()) return false;
        value->push_back(text_[pos_++]);
      } else {
        value->push_back(c);
      }
    }
    return false;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string MediaType::Parameter(const std::string& lower_case_name) const {
  auto it = parameters.find(lower_case_name);
  return it == parameters.end() ? std::string() : it->second;
}

Result<MediaType> ParseMediaType(const std::string& value) {
  Cursor in(value);
  in.SkipWhitespace();
  const std::string_view type = in.Token();
  if (type.empty() || !in.Take('/')) {
    return Status::InvalidArgument("media type '" + value + "' has no type/subtype");
  }
  const std::string_view subtype = in.Token();
  if (subtype.empty()) return Status::InvalidArgument("media type '" + value + "' has no subtype");
  MediaType media;
  media.type = AsciiLower(type) + "/" + AsciiLower(subtype);
  for (;;) {
    in.SkipWhitespace();
    if (in.AtEnd()) return media;
    if (!in.Take(';')) {
      return Status::InvalidArgument("media type '" + value + "': expected ';' between parameters");
    }
    in.SkipWhitespace();
    if (in.AtEnd()) return media;  // a trailing ';' is tolerated
    const std::string name = AsciiLower(in.Token());
    if (name.empty() || !in.Take('=')) {
      return Status::InvalidArgument("media type '" + value + "': malformed parameter");
    }
    std::string parameter_value;
    if (in.Take('"')) {
      if (!in.QuotedRest(&parameter_value)) {
        return Status::InvalidArgument("media type '" + value + "': unterminated quoted string");
      }
    } else {
      parameter_value = std::string(in.Token(/*slash=*/true));
      if (parameter_value.empty()) {
        return Status::InvalidArgument("media type '" + value + "': parameter " + name +
                                       " has no value");
      }
    }
    if (!media.parameters.emplace(name, std::move(parameter_value)).second) {
      return Status::InvalidArgument("media type '" + value + "': parameter " + name +
                                     " given twice");
    }
  }
}

}  // namespace pixeldex::server

#include "server/dicomweb/accept_header.h"

#include <algorithm>
#include <cstdlib>

#include "server/http/header_text.h"

namespace pixeldex::server {
namespace {

// Splits at `separator` outside double quotes (RFC 9110 5.6.4 quoted-string).
std::vector<std::string> SplitOutsideQuotes(const std::string& text, char separator) {
  std::vector<std::string> pieces(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\' && i + 1 < text.size()) {
      pieces.back() += text[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == separator && !quoted)
      pieces.emplace_back();
    else
      pieces.back() += c;
  }
  return pieces;
}

std::string Unquote(std::string value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

std::vector<MediaRange> ParseAccept(const std::string& accept) {
  std::vector<MediaRange> ranges;
  if (TrimOws(accept).empty()) return {MediaRange{"*/*"}};
  for (const std::string& piece : SplitOutsideQuotes(accept, ',')) {
    const std::vector<std::string> fields = SplitOutsideQuotes(piece, ';');
    MediaRange range;
    range.type = AsciiLower(TrimOws(fields[0]));
    if (range.type.empty()) continue;
    for (size_t i = 1; i < fields.size(); ++i) {
      const size_t equals = fields[i].find('=');
      if (equals == std::string::npos) continue;
      const std::string name = AsciiLower(TrimOws(fields[i].substr(0, equals)));
      const std::string value = Unquote(std::string(TrimOws(fields[i].substr(equals + 1))));
      if (name == "q")
        range.quality = std::strtod(value.c_str(), nullptr);
      else
        range.params[name] = value;
    }
    if (range.quality > 0) ranges.push_back(std::move(range));
  }
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const MediaRange& a, const MediaRange& b) { return a.quality > b.quality; });
  return ranges;
}

bool AcceptsMediaType(const std::string& accept, const std::string& media_type) {
  const std::string any_subtype = media_type.substr(0, media_type.find('/')) + "/*";
  for (const MediaRange& range : ParseAccept(accept)) {
    if (range.type == media_type || range.type == "*/*" || range.type == any_subtype) {
      return true;
    }
  }
  return false;
}

bool AcceptsDicomJson(const std::string& accept) {
  return AcceptsMediaType(accept, "application/dicom+json") ||
         AcceptsMediaType(accept, "application/json");
}

std::vector<PartChoice> MultipartPartChoices(const std::string& accept,
                                             const std::string& default_part_type) {
  std::vector<PartChoice> choices;
  for (const MediaRange& range : ParseAccept(accept)) {
    if (range.type != "multipart/related" && range.type != "multipart/*" && range.type != "*/*") {
      continue;
    }
    auto type = range.params.find("type");
    auto syntax = range.params.find("transfer-syntax");
    choices.push_back({type == range.params.end() ? default_part_type : AsciiLower(type->second),
                       syntax == range.params.end() ? "" : syntax->second});
  }
  return choices;
}

}  // namespace pixeldex::server

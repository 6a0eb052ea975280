#include "server/dicomweb/rendered_params.h"

#include <cstdlib>
#include <vector>

#include "server/dicomweb/accept_header.h"

namespace pixeldex::server {
namespace {

// The whole text as a number, or nothing.
std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// The whole text as an integer in [low, high], or nothing.
std::optional<int> Integer(const std::string& text, int low, int high) {
  const std::optional<double> value = Number(text);
  if (!value || *value != static_cast<int>(*value) || *value < low || *value > high) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

Status Refuse(const std::string& name, const std::string& value, const std::string& rule) {
  return Status::InvalidArgument(name + "=" + value + ": " + rule + " (PS3.18 8.3.5.1.3)");
}

constexpr int kMaxViewport = 16384;

}  // namespace

Result<RenderedParams> ParseRenderedParams(const QueryParams& params) {
  RenderedParams rendered;
  for (const auto& [name, value] : params) {
    const std::vector<std::string> values = SplitValues(value);
    if (name == "window") {
      const auto center = values.size() >= 2 ? Number(values[0]) : std::nullopt;
      const auto width = values.size() >= 2 ? Number(values[1]) : std::nullopt;
      if (!center || !width || *width <= 0 || values.size() > 3) {
        return Refuse(name, value, "center,width[,function] with width > 0");
      }
      thumbnail::Window window{*center, *width, thumbnail::VoiFunction::kLinear};
      if (values.size() == 3) {
        if (values[2] == "linear-exact")
          window.function = thumbnail::VoiFunction::kLinearExact;
        else if (values[2] == "sigmoid")
          window.function = thumbnail::VoiFunction::kSigmoid;
        else if (values[2] != "linear") {
          return Refuse(name, value, "the function is linear, linear-exact or sigmoid");
        }
      }
      rendered.window = window;
    } else if (name == "viewport") {
      std::vector<int> numbers;
      for (const std::string& v : values) {
        if (auto n = Integer(v, 0, kMaxViewport)) numbers.push_back(*n);
      }
      if (numbers.size() != values.size() || (numbers.size() != 2 && numbers.size() != 6) ||
          numbers[0] == 0 || numbers[1] == 0 ||
          (numbers.size() == 6 && (numbers[4] == 0 || numbers[5] == 0))) {
        return Refuse(name, value,
                      "vw,vh[,sx,sy,sw,sh], positive sizes (flipping with negative sw/sh is "
                      "not supported)");
      }
      rendered.viewport_width = numbers[0];
      rendered.viewport_height = numbers[1];
      if (numbers.size() == 6) {
        rendered.region = RenderedRegion{numbers[2], numbers[3], numbers[4], numbers[5]};
      }
    } else if (name == "quality") {
      const auto quality = Integer(value, 1, 100);
      if (!quality) return Refuse(name, value, "an integer from 1 to 100");
      rendered.quality = *quality;
    }
  }
  return rendered;
}

namespace {

// The first of image/png and image/jpeg that `accept` admits: image/* and
// */* (and no Accept) give `wildcard`; with `multipart`, a
// multipart/related range admits the image type of its type parameter.
Result<std::string> FirstImageType(const std::string& accept, const std::string& wildcard,
                                   bool multipart) {
  for (const MediaRange& range : ParseAccept(accept)) {
    std::string type = range.type;
    if (multipart && type == "multipart/related") {
      auto it = range.params.find("type");
      if (it == range.params.end()) continue;
      type = it->second;
    }
    if (type == "image/png" || type == "image/jpeg") return type;
    if (type == "image/*" || type == "*/*") return wildcard;
  }
  return Status::Unsupported("rendered images are image/jpeg or image/png");
}

}  // namespace

Result<std::string> ChooseRenderedMediaType(const std::string& accept) {
  return FirstImageType(accept, "image/jpeg", false);
}

Result<std::string> ChooseRenderedPartType(const std::string& accept) {
  return FirstImageType(accept, "image/jpeg", true);
}

Result<std::string> ChooseThumbnailMediaType(const std::string& accept) {
  return FirstImageType(accept, "image/png", false);
}

}  // namespace pixeldex::server

#include "catalog/export/export_rendering.h"

#include <dcmtk/dcmdata/dcfilefo.h>

#include <charconv>

#include "catalog/thumbnail/frame_renderer.h"
#include "catalog/thumbnail/jpeg_encoder.h"
#include "catalog/thumbnail/png_encoder.h"

namespace pixeldex::exporting {

Result<RenderingOptions> ParseRenderingOptions(std::string_view text) {
  RenderingOptions options;
  const size_t colon = text.find(':');
  const std::string_view format = text.substr(0, colon);
  if (format == "png") {
    options.format = RenderingFormat::kPng;
  } else if (format == "jpeg") {
    options.format = RenderingFormat::kJpeg;
  } else {
    return Status::InvalidArgument("--render takes png or jpeg, optionally :SIZE, not '" +
                                   std::string(text) + "'");
  }
  if (colon != std::string_view::npos) {
    const std::string_view size = text.substr(colon + 1);
    const auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), options.size);
    if (error != std::errc() || end != size.data() + size.size() || options.size < 1 ||
        options.size > kMaxRenderingSize) {
      return Status::InvalidArgument("--render SIZE must be 1 to " +
                                     std::to_string(kMaxRenderingSize) + ", not '" +
                                     std::string(size) + "'");
    }
  }
  return options;
}

std::string RenderingPath(const std::string& relative, RenderingFormat format) {
  const char* extension = format == RenderingFormat::kPng ? ".png" : ".jpg";
  const std::string_view dcm = ".dcm";
  if (relative.size() > dcm.size() &&
      relative.compare(relative.size() - dcm.size(), dcm.size(), dcm) == 0) {
    return relative.substr(0, relative.size() - dcm.size()) + extension;
  }
  return relative + extension;
}

Result<std::string> RenderInstanceFile(const std::string& path, const RenderingOptions& options) {
  DcmFileFormat file;
  const OFCondition loaded = file.loadFile(path.c_str());
  if (loaded.bad()) return Status::IoError(path + ": " + loaded.text());
  DcmDataset& dataset = *file.getDataset();
  thumbnail::RenderOptions render;
  render.frame_index = 0;  // frame 1
  render.fit = {options.size, options.size};
  auto image = thumbnail::RenderDisplayFrame(dataset, dataset.getOriginalXfer(), render);
  if (!image.ok()) return image.status();
  return options.format == RenderingFormat::kPng
             ? thumbnail::EncodePng(*image)
             : thumbnail::EncodeJpeg(*image, kRenderingJpegQuality);
}

std::string NotRenderedReason(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNotFound:
      return "no pixel data";
    case Status::Code::kUnsupported:
      return "unsupported pixel data";
    default:
      return "not decodable";
  }
}

}  // namespace pixeldex::exporting

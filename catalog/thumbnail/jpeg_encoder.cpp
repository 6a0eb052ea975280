#include "catalog/thumbnail/jpeg_encoder.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

namespace pixeldex::thumbnail {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// libjpeg's default error_exit ends the process; return to Encode instead.
[[noreturn]] void OnError(j_common_ptr info) {
  auto* errors = reinterpret_cast<ErrorManager*>(info->err);
  (*info->err->format_message)(info, errors->message);
  std::longjmp(errors->jump, 1);
}

// No C++ object with a destructor lives between setjmp and longjmp.
bool Encode(const DisplayImage& image, int quality, unsigned char** out, unsigned long* size,
            ErrorManager* errors) {
  jpeg_compress_struct info;
  info.err = jpeg_std_error(&errors->base);
  errors->base.error_exit = OnError;
  if (setjmp(errors->jump) != 0) {
    jpeg_destroy_compress(&info);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, out, size);
  info.image_width = static_cast<JDIMENSION>(image.width);
  info.image_height = static_cast<JDIMENSION>(image.height);
  info.input_components = image.channels;
  info.in_color_space = image.channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  const size_t stride = static_cast<size_t>(image.width) * image.channels;
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(image.pixels.data() + info.next_scanline * stride);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return true;
}

}  // namespace

Result<std::string> EncodeJpeg(const DisplayImage& image, int quality) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return Status::InvalidArgument("empty or inconsistent image");
  }
  if (image.channels != 1 && image.channels != 3) {
    return Status::InvalidArgument("JPEG images have 1 or 3 channels");
  }
  if (quality < 1 || quality > 100) return Status::InvalidArgument("JPEG quality is 1..100");
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  ErrorManager errors{};
  const bool ok = Encode(image, quality, &buffer, &size, &errors);
  std::string bytes;
  if (ok) bytes.assign(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  if (!ok) return Status::Internal(std::string("libjpeg: ") + errors.message);
  return bytes;
}

}  // namespace pixeldex::thumbnail

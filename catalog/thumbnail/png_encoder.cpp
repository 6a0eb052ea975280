#include "catalog/thumbnail/png_encoder.h"

#include <libdeflate.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace pixeldex::thumbnail {
namespace {

// State shared with libpng's callbacks; trivially destructible so that a
// longjmp out of libpng skips no destructor.
struct WriteState {
  std::string* output;
  char error[256];
};

void OnWrite(png_structp png, png_bytep data, png_size_t length) {
  auto* state = static_cast<WriteState*>(png_get_io_ptr(png));
  bool appended = true;
  try {
    state->output->append(reinterpret_cast<const char*>(data), length);
  } catch (...) {  // no exception may unwind through libpng's C frames
    appended = false;
  }
  if (!appended) png_error(png, "out of memory");
}
void OnFlush(png_structp) {}

void OnError(png_structp png, png_const_charp message) {
  auto* state = static_cast<WriteState*>(png_get_error_ptr(png));
  std::snprintf(state->error, sizeof(state->error), "%s", message);
  png_longjmp(png, 1);
}
void OnWarning(png_structp, png_const_charp) {}

// The image's scanlines, each preceded by its filter type byte, with the SUB
// filter (PNG 2nd ed., 9.2: Sub(x) = Raw(x) - Raw(x - bpp), bytes modulo 256):
// cheap to compute, and it does well on medical images.
std::vector<uint8_t> FilterScanlinesSub(const DisplayImage& image) {
  const size_t bpp = static_cast<size_t>(image.channels);
  const size_t stride = static_cast<size_t>(image.width) * bpp;
  std::vector<uint8_t> filtered((stride + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* raw = image.pixels.data() + y * stride;
    uint8_t* out = filtered.data() + y * (stride + 1);
    out[0] = 1;  // filter type 1: Sub
    std::copy_n(raw, bpp, out + 1);
    for (size_t x = bpp; x < stride; ++x) out[1 + x] = static_cast<uint8_t>(raw[x] - raw[x - bpp]);
  }
  return filtered;
}

using Compressor = std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)>;

// The zlib datastream of the IDAT chunks (PNG 2nd ed., 10). libdeflate at its
// fastest level compresses thumbnails 1.2-3x faster than zlib's level 1 (Z_RLE
// or default strategy) and to a similar or smaller size (bench/README.md).
// One compressor per thread, kept while the thread lives (an association's,
// an import worker's): allocating one cost a quarter as much as compressing a
// 64x64 thumbnail with it; its output depends on the input alone.
bool CompressZlib(const std::vector<uint8_t>& filtered, std::string& out) {
  thread_local Compressor compressor(nullptr, &libdeflate_free_compressor);
  if (!compressor) compressor.reset(libdeflate_alloc_compressor(1));
  if (!compressor) return false;
  out.resize(libdeflate_zlib_compress_bound(compressor.get(), filtered.size()));
  const size_t size = libdeflate_zlib_compress(compressor.get(), filtered.data(), filtered.size(),
                                               out.data(), out.size());
  out.resize(size);
  return size > 0;
}

// Runs libpng, which writes the signature, IHDR and the chunk framing (length,
// CRC) around the precompressed image data; returns false with state->error
// set when libpng failed. Only trivially destructible locals live here,
// because of setjmp/longjmp.
bool WritePng(png_structp png, png_infop info, const DisplayImage& image, const std::string& idat) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, image.width, image.height, 8,
               image.channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  // PNG 2nd ed., 11.2.4: the datastream may be split over consecutive IDAT
  // chunks at any byte; a chunk's length must stay below 2^31.
  constexpr size_t kMaxIdat = size_t{1} << 30;
  for (size_t at = 0; at < idat.size(); at += kMaxIdat) {
    png_write_chunk(png, reinterpret_cast<png_const_bytep>("IDAT"),
                    reinterpret_cast<png_const_bytep>(idat.data()) + at,
                    std::min(kMaxIdat, idat.size() - at));
  }
  png_write_chunk(png, reinterpret_cast<png_const_bytep>("IEND"), nullptr, 0);
  return true;
}

}  // namespace

Result<std::string> EncodePng(const DisplayImage& image) {
  if (image.width <= 0 || image.height <= 0 || (image.channels != 1 && image.channels != 3) ||
      image.pixels.size() < static_cast<size_t>(image.width) * image.height * image.channels) {
    return Status::InvalidArgument("PNG encoder needs a non-empty grey or RGB image");
  }
  std::string output;
  WriteState state{&output, {0}};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, OnError, OnWarning);
  if (png == nullptr) return Status::Internal("libpng: cannot create write struct");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return Status::Internal("libpng: cannot create info struct");
  }
  png_set_write_fn(png, &state, OnWrite, OnFlush);

  std::string idat;
  if (!CompressZlib(FilterScanlinesSub(image), idat)) {
    png_destroy_write_struct(&png, &info);
    return Status::Internal("libdeflate: cannot compress the image data");
  }
  output.reserve(idat.size() + 128);
  const bool ok = WritePng(png, info, image, idat);
  png_destroy_write_struct(&png, &info);
  // The one place where libpng failures become a Status.
  if (!ok) return Status::Internal(fmt::format("libpng: {}", state.error));
  return output;
}

}  // namespace pixeldex::thumbnail

#include "catalog/thumbnail/png_encoder.h"

#include <isa-l/igzip_lib.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <limits>
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

// igzip's state for one compression, and the hash and token room of its
// level 1 (ISAL_DEF_LVL1_SMALL: a larger room compressed no faster or
// smaller on thumbnails, bench/README.md).
struct Igzip {
  isal_zstream stream;
  uint8_t level_buf[ISAL_DEF_LVL1_SMALL];
};

// The zlib datastream of the IDAT chunks (PNG 2nd ed., 10: deflate with a
// window of at most 32 KiB, igzip's default). ISA-L's igzip at level 1
// compresses thumbnails 2.6-4.4x faster than libdeflate's level 1, the
// previous choice, to the same size or smaller (bench/README.md,
// "igzip"). One state per thread, kept while the thread lives (an
// association's, an import worker's): 170 kB, too much for each call's
// stack. False when the input is larger than igzip's 32-bit counts allow
// (no rendered DICOM frame comes near: 4 GiB) or igzip fails.
//
// Its output depends on the input alone because the first 16 bytes go to
// igzip on their own, with a sync flush. igzip's level-1 body, when it
// starts a stream, hashes the third byte from a register still holding
// the state's address (igzip_icf_body_h1_gr_bt.asm, .write_first_byte:
// `shr tmp2, 16`, tmp2 never loaded; Debian's 2.30, still so in 2.32), so
// each thread's state found other matches and one image gave different
// PNGs (import and C-STORE disagreed in CI). The body leaves the last 16
// bytes of a flushed input to the finishing code, which hashes the right
// bytes and starts the stream when given 4 or more; after that the body
// never starts one. Costs 7-10 bytes (the flush's empty block and a second
// block header) and 22,000 instructions per image (callgrind; mostly the
// first block's own Huffman code): about 4 us, under 1 % of a 64x64
// C-STORE's CPU (bench/README.md, "igzip's first bytes").
bool CompressZlib(const std::vector<uint8_t>& filtered, std::string& out) {
  // igzip's MIN_INBUF_PADDING: what its body leaves to the finishing code.
  constexpr size_t kIgzipTailBytes = 16;
  // Stored blocks at worst (RFC 1951 3.2.4: 5 bytes per 65,535), with room
  // for the zlib header and checksum, two block headers and the flush's
  // empty block.
  const size_t bound = filtered.size() + filtered.size() / 8192 + 2 * ISAL_DEF_MAX_HDR_SIZE + 64;
  if (bound > std::numeric_limits<uint32_t>::max()) return false;
  thread_local const std::unique_ptr<Igzip> igzip = std::make_unique<Igzip>();
  isal_zstream& stream = igzip->stream;
  isal_deflate_init(&stream);
  stream.level = 1;
  stream.level_buf = igzip->level_buf;
  stream.level_buf_size = sizeof(igzip->level_buf);
  stream.gzip_flag = IGZIP_ZLIB;
  out.resize(bound);
  stream.next_out = reinterpret_cast<uint8_t*>(out.data());
  stream.avail_out = static_cast<uint32_t>(out.size());
  // igzip only reads its input.
  stream.next_in = const_cast<uint8_t*>(filtered.data());
  const uint32_t first = static_cast<uint32_t>(std::min(filtered.size(), kIgzipTailBytes));
  stream.avail_in = first;
  stream.flush = SYNC_FLUSH;
  if (isal_deflate(&stream) != COMP_OK || stream.avail_in != 0) return false;
  stream.avail_in = static_cast<uint32_t>(filtered.size() - first);
  stream.flush = NO_FLUSH;
  stream.end_of_stream = 1;
  if (isal_deflate(&stream) != COMP_OK || stream.internal_state.state != ZSTATE_END) {
    return false;
  }
  out.resize(stream.total_out);
  return true;
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
    return Status::Internal("igzip: cannot compress the image data");
  }
  output.reserve(idat.size() + 128);
  const bool ok = WritePng(png, info, image, idat);
  png_destroy_write_struct(&png, &info);
  // The one place where libpng failures become a Status.
  if (!ok) return Status::Internal(fmt::format("libpng: {}", state.error));
  return output;
}

}  // namespace pixeldex::thumbnail

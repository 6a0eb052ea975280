#include "catalog/thumbnail/jpeg2000_decoder.h"

#include <fmt/format.h>
#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace pixeldex::thumbnail {
namespace {

// Reading position in the in-memory codestream.
struct MemoryReader {
  const uint8_t* data;
  size_t size;
  size_t position = 0;
};

OPJ_SIZE_T Read(void* buffer, OPJ_SIZE_T bytes, void* user) {
  auto* reader = static_cast<MemoryReader*>(user);
  const size_t left = reader->size - reader->position;
  if (left == 0) return static_cast<OPJ_SIZE_T>(-1);  // end of stream
  const size_t n = std::min<size_t>(bytes, left);
  std::memcpy(buffer, reader->data + reader->position, n);
  reader->position += n;
  return n;
}

OPJ_OFF_T Skip(OPJ_OFF_T bytes, void* user) {
  auto* reader = static_cast<MemoryReader*>(user);
  const OPJ_OFF_T left = static_cast<OPJ_OFF_T>(reader->size - reader->position);
  const OPJ_OFF_T n = std::clamp<OPJ_OFF_T>(bytes, -static_cast<OPJ_OFF_T>(reader->position), left);
  reader->position = static_cast<size_t>(static_cast<OPJ_OFF_T>(reader->position) + n);
  return n;
}

OPJ_BOOL Seek(OPJ_OFF_T position, void* user) {
  auto* reader = static_cast<MemoryReader*>(user);
  if (position < 0 || static_cast<size_t>(position) > reader->size) return OPJ_FALSE;
  reader->position = static_cast<size_t>(position);
  return OPJ_TRUE;
}

void RecordError(const char* message, void* user) {
  auto* error = static_cast<std::string*>(user);
  if (error->empty()) {
    *error = message;
    while (!error->empty() && (error->back() == '\n' || error->back() == ' ')) error->pop_back();
  }
}
void Ignore(const char*, void*) {}

struct CodecDeleter {
  void operator()(opj_codec_t* codec) const { opj_destroy_codec(codec); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* stream) const { opj_stream_destroy(stream); }
};
struct ImageDeleter {
  void operator()(opj_image_t* image) const { opj_image_destroy(image); }
};

// The one place where OpenJPEG failures become a Status.
Status OpenJpegError(const char* step, const std::string& message) {
  return Status::Corruption(fmt::format("JPEG 2000 {} failed{}{}", step,
                                        message.empty() ? "" : ": ", message));
}

bool IsJp2File(const std::vector<uint8_t>& bytes) {
  static const uint8_t kSignature[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
  return bytes.size() >= sizeof(kSignature) &&
         std::memcmp(bytes.data(), kSignature, sizeof(kSignature)) == 0;
}

template <typename T>
void Pack(const opj_image_t& image, int width, int height, uint8_t* out) {
  T* samples = reinterpret_cast<T*>(out);
  const int channels = static_cast<int>(image.numcomps);
  for (int c = 0; c < channels; ++c) {
    const opj_image_comp_t& comp = image.comps[c];
    const int dx = std::max<int>(1, comp.dx), dy = std::max<int>(1, comp.dy);
    for (int y = 0; y < height; ++y) {
      const int sy = std::min<int>(y / dy, static_cast<int>(comp.h) - 1);
      const OPJ_INT32* row = comp.data + static_cast<size_t>(sy) * comp.w;
      T* dst = samples + static_cast<size_t>(y) * width * channels + c;
      for (int x = 0; x < width; ++x) {
        const int sx = std::min<int>(x / dx, static_cast<int>(comp.w) - 1);
        dst[static_cast<size_t>(x) * channels] = static_cast<T>(row[sx]);
      }
    }
  }
}

// How many resolution levels may be left out: as many as keep both sides of
// the frame at least as large as `at_least`, and fewer than the codestream's
// main header codes for every component (ISO/IEC 15444-1 A.6.1, COD/COC).
OPJ_UINT32 LevelsToDiscard(opj_codec_t* codec, const FrameLayout& declared, Size at_least) {
  if (at_least.width <= 0 || at_least.height <= 0) return 0;
  opj_codestream_info_v2_t* info = opj_get_cstr_info(codec);
  if (info == nullptr) return 0;
  OPJ_UINT32 coded_levels = 0;
  if (info->m_default_tile_info.tccp_info != nullptr && info->nbcomps > 0) {
    coded_levels = info->m_default_tile_info.tccp_info[0].numresolutions;
    for (OPJ_UINT32 c = 1; c < info->nbcomps; ++c) {
      coded_levels = std::min(coded_levels, info->m_default_tile_info.tccp_info[c].numresolutions);
    }
  }
  opj_destroy_cstr_info(&info);
  OPJ_UINT32 levels = 0;
  // Side of the frame at level r: ceil(side / 2^r).
  const auto side_at = [](int side, OPJ_UINT32 r) { return (side + (1 << r) - 1) >> r; };
  while (levels + 1 < coded_levels && levels < 16 &&
         side_at(declared.columns, levels + 1) >= at_least.width &&
         side_at(declared.rows, levels + 1) >= at_least.height) {
    ++levels;
  }
  return levels;
}

using ImagePtr = std::unique_ptr<opj_image_t, ImageDeleter>;

// The codestream's image must be the frame the dataset declares: same size,
// same number of components, each subsampled by at most 4 (real codestreams
// use 1 or 2) with at most 32 bits: what OpenJPEG allocates follows these
// numbers.
Status CheckHeaderAgainst(const opj_image_t& image, const FrameLayout& declared) {
  const int64_t width = static_cast<int64_t>(image.x1) - image.x0;
  const int64_t height = static_cast<int64_t>(image.y1) - image.y0;
  if (width != declared.columns || height != declared.rows) {
    return Status::Corruption(fmt::format("JPEG 2000 frame is {}x{}, dataset says {}x{}", width,
                                          height, declared.columns, declared.rows));
  }
  if (static_cast<int>(image.numcomps) != declared.samples_per_pixel) {
    return Status::Corruption(fmt::format("JPEG 2000 frame has {} components, dataset says {}",
                                          image.numcomps, declared.samples_per_pixel));
  }
  for (OPJ_UINT32 c = 0; c < image.numcomps; ++c) {
    const opj_image_comp_t& comp = image.comps[c];
    if (comp.dx < 1 || comp.dx > 4 || comp.dy < 1 || comp.dy > 4 || comp.prec < 1 ||
        comp.prec > 32) {
      return Status::Corruption(fmt::format(
          "JPEG 2000 component {} is subsampled {}x{} with {} bits", c, comp.dx, comp.dy, comp.prec));
    }
  }
  return Status::Ok();
}

// Runs OpenJPEG over the whole codestream, leaving out the resolution levels
// `at_least` does not need. The header has been checked against `declared`,
// so the decoded image's full size is the declared one.
Result<ImagePtr> DecodeImage(const std::vector<uint8_t>& codestream, const FrameLayout& declared,
                             Size at_least) {
  std::string error;
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(
      opj_create_decompress(IsJp2File(codestream) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  if (!codec) return OpenJpegError("codec creation", "");
  opj_set_error_handler(codec.get(), RecordError, &error);
  opj_set_warning_handler(codec.get(), Ignore, nullptr);
  opj_set_info_handler(codec.get(), Ignore, nullptr);

  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!opj_setup_decoder(codec.get(), &parameters)) return OpenJpegError("setup", error);
  // A truncated codestream is an error, not a blurry image.
  opj_decoder_set_strict_mode(codec.get(), OPJ_TRUE);

  MemoryReader reader{codestream.data(), codestream.size()};
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(1 << 16, OPJ_TRUE));
  if (!stream) return OpenJpegError("stream creation", "");
  opj_stream_set_read_function(stream.get(), Read);
  opj_stream_set_skip_function(stream.get(), Skip);
  opj_stream_set_seek_function(stream.get(), Seek);
  opj_stream_set_user_data(stream.get(), &reader, nullptr);
  opj_stream_set_user_data_length(stream.get(), codestream.size());

  opj_image_t* raw_image = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw_image)) {
    opj_image_destroy(raw_image);
    return OpenJpegError("header", error);
  }
  ImagePtr image(raw_image);
  // Checked before decoding: OpenJPEG allocates what the codestream's SIZ
  // marker (ISO/IEC 15444-1 A.5.1) declares, whatever the dataset says, and
  // the frame size cap (frame_layout.h) applies to the dataset's numbers.
  PIXELDEX_RETURN_IF_ERROR(CheckHeaderAgainst(*image, declared));
  const OPJ_UINT32 discarded = LevelsToDiscard(codec.get(), declared, at_least);
  const bool decoded =
      (discarded == 0 || opj_set_decoded_resolution_factor(codec.get(), discarded)) &&
      opj_decode(codec.get(), stream.get(), image.get()) &&
      opj_end_decompress(codec.get(), stream.get());
  if (decoded) return image;
  // A tile may code fewer levels than the main header says; OpenJPEG then
  // refuses the reduction, and the whole frame is decoded instead.
  if (discarded > 0) return DecodeImage(codestream, declared, {});
  return OpenJpegError("decoding", error);
}

}  // namespace

Result<RawFrame> DecodeJpeg2000Frame(const std::vector<uint8_t>& codestream,
                                     const FrameLayout& declared, Size at_least) {
  Result<ImagePtr> decoded = DecodeImage(codestream, declared, at_least);
  if (!decoded.ok()) return decoded.status();
  const ImagePtr& image = *decoded;

  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
    if (image->comps[c].data == nullptr) return OpenJpegError("decoding", "component missing");
  }
  // The decoded size is the first component's: Pack upsamples the others to
  // its grid.
  const int width = static_cast<int>(image->comps[0].w);
  const int height = static_cast<int>(image->comps[0].h);
  if (width < 1 || height < 1 || width > declared.columns || height > declared.rows) {
    return OpenJpegError("decoding", "decoded size out of range");
  }

  // The samples keep their decoded precision (PS3.5 8.2.4 requires it to
  // match Bits Stored). Their sign is the data set's Pixel Representation even
  // when the codestream's SIZ says otherwise (real scanners write unsigned
  // codestreams of signed CT): the decoded bits are reinterpreted, as GDCM
  // and pydicom do, so air stays dark.
  RawFrame frame;
  frame.layout = declared;
  const opj_image_comp_t& first = image->comps[0];
  frame.layout.bits_stored = std::clamp<int>(first.prec, 1, declared.bits_allocated);
  frame.layout.high_bit = frame.layout.bits_stored - 1;
  frame.layout.planar_configuration = 0;
  frame.layout.chroma_subsampled = false;
  frame.layout.number_of_frames = 1;
  frame.layout.columns = width;
  frame.layout.rows = height;
  // PS3.3 C.7.6.3.1.2: YBR_RCT / YBR_ICT are undone by the decoder (inverse MCT).
  if (declared.photometric == "YBR_RCT" || declared.photometric == "YBR_ICT") {
    frame.layout.photometric = "RGB";
  }
  if (frame.layout.photometric.rfind("YBR_FULL", 0) == 0) frame.layout.photometric = "YBR_FULL";
  frame.bytes.resize(frame.layout.FrameBytes());
  switch (declared.bits_allocated) {
    case 8: Pack<uint8_t>(*image, width, height, frame.bytes.data()); break;
    case 16: Pack<uint16_t>(*image, width, height, frame.bytes.data()); break;
    default: Pack<uint32_t>(*image, width, height, frame.bytes.data()); break;
  }
  return frame;
}

}  // namespace pixeldex::thumbnail

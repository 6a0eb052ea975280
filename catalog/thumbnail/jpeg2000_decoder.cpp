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

}  // namespace

Result<RawFrame> DecodeJpeg2000Frame(const std::vector<uint8_t>& codestream,
                                     const FrameLayout& declared) {
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
  std::unique_ptr<opj_image_t, ImageDeleter> image(raw_image);
  if (!opj_decode(codec.get(), stream.get(), image.get()) ||
      !opj_end_decompress(codec.get(), stream.get())) {
    return OpenJpegError("decoding", error);
  }

  const int width = static_cast<int>(image->x1 - image->x0);
  const int height = static_cast<int>(image->y1 - image->y0);
  if (width != declared.columns || height != declared.rows) {
    return Status::Corruption(fmt::format("JPEG 2000 frame is {}x{}, dataset says {}x{}", width,
                                          height, declared.columns, declared.rows));
  }
  if (static_cast<int>(image->numcomps) != declared.samples_per_pixel) {
    return Status::Corruption(fmt::format("JPEG 2000 frame has {} components, dataset says {}",
                                          image->numcomps, declared.samples_per_pixel));
  }
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
    if (image->comps[c].data == nullptr) return OpenJpegError("decoding", "component missing");
  }

  // The samples keep their decoded precision and sign (PS3.5 A.4.4 requires
  // them to match Bits Stored / Pixel Representation); use the codestream's.
  RawFrame frame;
  frame.layout = declared;
  const opj_image_comp_t& first = image->comps[0];
  frame.layout.bits_stored = std::clamp<int>(first.prec, 1, declared.bits_allocated);
  frame.layout.high_bit = frame.layout.bits_stored - 1;
  frame.layout.is_signed = first.sgnd != 0;
  frame.layout.planar_configuration = 0;
  frame.layout.chroma_subsampled = false;
  frame.layout.number_of_frames = 1;
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

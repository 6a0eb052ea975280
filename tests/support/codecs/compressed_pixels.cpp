#include "tests/support/codecs/compressed_pixels.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pixeldex::thumbnail::testing {

namespace {

struct MemoryWriter {
  std::vector<uint8_t> bytes;
  size_t position = 0;
};

OPJ_SIZE_T WriteBytes(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* w = static_cast<MemoryWriter*>(user);
  if (w->position + n > w->bytes.size()) w->bytes.resize(w->position + n);
  std::memcpy(w->bytes.data() + w->position, buffer, n);
  w->position += n;
  return n;
}
OPJ_OFF_T SkipBytes(OPJ_OFF_T n, void* user) {
  auto* w = static_cast<MemoryWriter*>(user);
  w->position += static_cast<size_t>(n);
  if (w->position > w->bytes.size()) w->bytes.resize(w->position);
  return n;
}
OPJ_BOOL SeekBytes(OPJ_OFF_T n, void* user) {
  auto* w = static_cast<MemoryWriter*>(user);
  w->position = static_cast<size_t>(n);
  if (w->position > w->bytes.size()) w->bytes.resize(w->position);
  return OPJ_TRUE;
}

}  // namespace

std::vector<uint8_t> EncodeJpeg2000(const std::vector<int32_t>& samples, int width, int height,
                                    int components, int precision, bool is_signed, bool lossless,
                                    bool mct) {
  opj_cparameters_t parameters;
  opj_set_default_encoder_parameters(&parameters);
  parameters.tcp_numlayers = 1;
  parameters.cp_disto_alloc = 1;
  parameters.tcp_rates[0] = lossless ? 0 : 8;  // 8:1 when lossy
  parameters.irreversible = lossless ? 0 : 1;
  parameters.tcp_mct = mct ? 1 : 0;
  int resolutions = 1;
  while (resolutions < 6 && (1 << resolutions) <= std::min(width, height)) ++resolutions;
  parameters.numresolution = resolutions;

  std::vector<opj_image_cmptparm_t> component(components);
  for (auto& c : component) {
    std::memset(&c, 0, sizeof(c));
    c.dx = c.dy = 1;
    c.w = width;
    c.h = height;
    c.prec = precision;
    c.sgnd = is_signed ? 1 : 0;
  }
  opj_image_t* image = opj_image_create(components, component.data(),
                                        components == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
  image->x0 = image->y0 = 0;
  image->x1 = width;
  image->y1 = height;
  const size_t pixels = static_cast<size_t>(width) * height;
  for (int c = 0; c < components; ++c) {
    for (size_t i = 0; i < pixels; ++i) image->comps[c].data[i] = samples[i * components + c];
  }
  opj_codec_t* codec = opj_create_compress(OPJ_CODEC_J2K);
  MemoryWriter writer;
  opj_stream_t* stream = opj_stream_create(1 << 16, OPJ_FALSE);
  opj_stream_set_write_function(stream, WriteBytes);
  opj_stream_set_skip_function(stream, SkipBytes);
  opj_stream_set_seek_function(stream, SeekBytes);
  opj_stream_set_user_data(stream, &writer, nullptr);
  const bool ok = opj_setup_encoder(codec, &parameters, image) &&
                  opj_start_compress(codec, image, stream) && opj_encode(codec, stream) &&
                  opj_end_compress(codec, stream);
  opj_stream_destroy(stream);
  opj_destroy_codec(codec);
  opj_image_destroy(image);
  if (!ok) throw std::runtime_error("OpenJPEG encoding failed");
  return writer.bytes;
}

void PutEncapsulated(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                     const std::vector<std::vector<uint8_t>>& frames, int max_fragment_kbytes) {
  auto* sequence = new DcmPixelSequence(DcmTag(DCM_PixelData, EVR_OB));
  auto* offset_table = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
  sequence->insert(offset_table);
  DcmOffsetList offsets;
  for (const auto& frame : frames) {
    std::vector<uint8_t> copy = frame;
    OFCondition c = sequence->storeCompressedFrame(
        offsets, copy.data(), static_cast<Uint32>(copy.size()),
        static_cast<Uint32>(max_fragment_kbytes));
    if (c.bad()) throw std::runtime_error("storeCompressedFrame: " + std::string(c.text()));
  }
  if (max_fragment_kbytes > 0) offset_table->createOffsetTable(offsets);
  dataset.findAndDeleteElement(DCM_PixelData);
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  pixel_data->putOriginalRepresentation(transfer_syntax, nullptr, sequence);
  dataset.insert(pixel_data, true);
}

}  // namespace pixeldex::thumbnail::testing

#include "tests/thumbnail/thumbnail_test_support.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
#include <openjpeg.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "catalog/thumbnail/thumbnail_renderer.h"

namespace pixeldex::thumbnail::testing {

std::unique_ptr<DcmDataset> MakeHeader(const PixelSpec& spec) {
  auto dataset = std::make_unique<DcmDataset>();
  char uid[100];
  dataset->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
  dataset->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid));
  dataset->putAndInsertString(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid));
  dataset->putAndInsertString(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid));
  dataset->putAndInsertString(DCM_Modality, "OT");
  dataset->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(spec.rows));
  dataset->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(spec.columns));
  dataset->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(spec.bits_allocated));
  dataset->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(spec.bits_stored));
  dataset->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(spec.high_bit));
  dataset->putAndInsertUint16(DCM_PixelRepresentation, spec.is_signed ? 1 : 0);
  dataset->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(spec.samples_per_pixel));
  dataset->putAndInsertString(DCM_PhotometricInterpretation, spec.photometric.c_str());
  if (spec.samples_per_pixel > 1) {
    dataset->putAndInsertUint16(DCM_PlanarConfiguration,
                                static_cast<Uint16>(spec.planar_configuration));
  }
  if (spec.frames > 1) {
    dataset->putAndInsertString(DCM_NumberOfFrames, std::to_string(spec.frames).c_str());
  }
  return dataset;
}

std::unique_ptr<DcmDataset> MakeDataset(const PixelSpec& spec,
                                        const std::vector<uint32_t>& samples) {
  auto dataset = MakeHeader(spec);
  if (spec.bits_allocated == 8) {
    std::vector<Uint8> bytes(samples.begin(), samples.end());
    dataset->putAndInsertUint8Array(DCM_PixelData, bytes.data(), bytes.size());
  } else if (spec.bits_allocated == 16) {
    std::vector<Uint16> words(samples.begin(), samples.end());
    dataset->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  } else {
    // 32 bits allocated: OW, each sample as its low word then its high word
    // (Little Endian byte order, PS3.5 7.3).
    std::vector<Uint16> words;
    for (uint32_t sample : samples) {
      words.push_back(static_cast<Uint16>(sample & 0xFFFF));
      words.push_back(static_cast<Uint16>(sample >> 16));
    }
    dataset->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  }
  return dataset;
}

void SetWindow(DcmDataset& dataset, double center, double width) {
  dataset.putAndInsertString(DCM_WindowCenter, std::to_string(center).substr(0, 16).c_str());
  dataset.putAndInsertString(DCM_WindowWidth, std::to_string(width).substr(0, 16).c_str());
}

void SetRescale(DcmDataset& dataset, double slope, double intercept) {
  dataset.putAndInsertString(DCM_RescaleSlope, std::to_string(slope).substr(0, 16).c_str());
  dataset.putAndInsertString(DCM_RescaleIntercept,
                             std::to_string(intercept).substr(0, 16).c_str());
}

Png DecodePng(const std::string& bytes) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
    throw std::runtime_error(std::string("not a PNG: ") + image.message);
  }
  Png png;
  png.width = static_cast<int>(image.width);
  png.height = static_cast<int>(image.height);
  // Keep the file's own channel count; compare 8-bit values exactly.
  png.channels = (image.format & PNG_FORMAT_FLAG_COLOR) ? 3 : 1;
  image.format = png.channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  png.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, png.pixels.data(), 0, nullptr)) {
    throw std::runtime_error(std::string("PNG decode failed: ") + image.message);
  }
  return png;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "pixeldex_thumb_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void SaveFile(DcmDataset& dataset, const std::string& path, E_TransferSyntax transfer_syntax) {
  DcmFileFormat file(&dataset);
  OFCondition condition = file.saveFile(path.c_str(), transfer_syntax);
  if (condition.bad()) throw std::runtime_error("saveFile: " + std::string(condition.text()));
}

ThumbnailRecord RenderFile(const std::string& path, int max_size) {
  DcmFileFormat file;
  OFCondition condition = file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096);
  if (condition.bad()) throw std::runtime_error("loadFile: " + std::string(condition.text()));
  DcmDataset* dataset = file.getDataset();
  ThumbnailOptions options;
  options.max_size = max_size;
  return RenderThumbnail(*dataset, dataset->getOriginalXfer(), options);
}

ThumbnailRecord RenderViaFile(DcmDataset& dataset, int max_size) {
  TempDir dir;
  const std::string path = dir.Path("image.dcm");
  SaveFile(dataset, path, EXS_LittleEndianExplicit);
  return RenderFile(path, max_size);
}

int RunCommand(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

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

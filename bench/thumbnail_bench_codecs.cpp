#include "bench/thumbnail_bench_codecs.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <openjpeg.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace pixeldex::bench {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "thumbnail_bench: %s\n", what.c_str());
  std::exit(1);
}

void RegisterEncoders() {
  static const bool registered = [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
    return true;
  }();
  (void)registered;
}

struct MemoryStream {
  std::vector<uint8_t> bytes;
  size_t position = 0;
};

OPJ_SIZE_T Write(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->position + n > s->bytes.size()) s->bytes.resize(s->position + n);
  std::memcpy(s->bytes.data() + s->position, buffer, n);
  s->position += n;
  return n;
}
OPJ_OFF_T Skip(OPJ_OFF_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  s->position += static_cast<size_t>(n);
  if (s->position > s->bytes.size()) s->bytes.resize(s->position);
  return n;
}
OPJ_BOOL Seek(OPJ_OFF_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  s->position = static_cast<size_t>(n);
  if (s->position > s->bytes.size()) s->bytes.resize(s->position);
  return OPJ_TRUE;
}

// A reversible (lossless) J2K codestream of a monochrome 8/16-bit frame.
std::vector<uint8_t> EncodeJpeg2000(DcmDataset& dataset) {
  Uint16 rows = 0, columns = 0, bits = 0, stored = 0, signed_pixels = 0;
  dataset.findAndGetUint16(DCM_Rows, rows);
  dataset.findAndGetUint16(DCM_Columns, columns);
  dataset.findAndGetUint16(DCM_BitsAllocated, bits);
  dataset.findAndGetUint16(DCM_BitsStored, stored);
  dataset.findAndGetUint16(DCM_PixelRepresentation, signed_pixels);
  const size_t count = static_cast<size_t>(rows) * columns;
  std::vector<int32_t> samples(count);
  if (bits == 8) {
    const Uint8* p = nullptr;
    if (dataset.findAndGetUint8Array(DCM_PixelData, p).bad()) Fail("no 8-bit pixel data");
    for (size_t i = 0; i < count; ++i) samples[i] = p[i];
  } else {
    const Uint16* p = nullptr;
    if (dataset.findAndGetUint16Array(DCM_PixelData, p).bad()) Fail("no 16-bit pixel data");
    for (size_t i = 0; i < count; ++i) {
      samples[i] = signed_pixels ? static_cast<int16_t>(p[i]) : static_cast<int32_t>(p[i]);
    }
  }
  opj_cparameters_t parameters;
  opj_set_default_encoder_parameters(&parameters);
  parameters.tcp_numlayers = 1;
  parameters.cp_disto_alloc = 1;
  parameters.tcp_rates[0] = 0;  // lossless
  parameters.irreversible = 0;
  parameters.numresolution = 6;
  opj_image_cmptparm_t component;
  std::memset(&component, 0, sizeof(component));
  component.dx = component.dy = 1;
  component.w = columns;
  component.h = rows;
  component.prec = stored;
  component.sgnd = signed_pixels;
  opj_image_t* image = opj_image_create(1, &component, OPJ_CLRSPC_GRAY);
  image->x1 = columns;
  image->y1 = rows;
  std::copy(samples.begin(), samples.end(), image->comps[0].data);
  opj_codec_t* codec = opj_create_compress(OPJ_CODEC_J2K);
  MemoryStream out;
  opj_stream_t* stream = opj_stream_create(1 << 16, OPJ_FALSE);
  opj_stream_set_write_function(stream, Write);
  opj_stream_set_skip_function(stream, Skip);
  opj_stream_set_seek_function(stream, Seek);
  opj_stream_set_user_data(stream, &out, nullptr);
  const bool ok = opj_setup_encoder(codec, &parameters, image) &&
                  opj_start_compress(codec, image, stream) && opj_encode(codec, stream) &&
                  opj_end_compress(codec, stream);
  opj_stream_destroy(stream);
  opj_destroy_codec(codec);
  opj_image_destroy(image);
  if (!ok) Fail("OpenJPEG encoding failed");
  if (out.bytes.size() % 2 != 0) out.bytes.push_back(0);
  return out.bytes;
}

// Replaces Pixel Data by one encapsulated frame with an empty offset table.
void PutEncapsulated(DcmDataset& dataset, E_TransferSyntax syntax, std::vector<uint8_t> frame) {
  auto* sequence = new DcmPixelSequence(DcmTag(DCM_PixelData, EVR_OB));
  sequence->insert(new DcmPixelItem(DcmTag(DCM_Item, EVR_OB)));
  auto* item = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
  item->putUint8Array(frame.data(), static_cast<unsigned long>(frame.size()));
  sequence->insert(item);
  dataset.findAndDeleteElement(DCM_PixelData);
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  pixel_data->putOriginalRepresentation(syntax, nullptr, sequence);
  dataset.insert(pixel_data, true);
}

}  // namespace

CompressedFile::~CompressedFile() {
  std::error_code ignored;
  if (!path.empty()) std::filesystem::remove(path, ignored);
}

std::unique_ptr<CompressedFile> Compressed(DcmDataset& dataset, E_TransferSyntax syntax) {
  RegisterEncoders();
  DcmFileFormat file(&dataset);  // deep copy
  DcmDataset& copy = *file.getDataset();
  if (syntax == EXS_JPEG2000LosslessOnly) {
    PutEncapsulated(copy, syntax, EncodeJpeg2000(copy));
  } else {
    DJ_RPLossy lossy(90);
    DJ_RPLossless lossless;
    DJLSRepresentationParameter jpegls;
    DcmRLERepresentationParameter rle;
    const DcmRepresentationParameter* parameter = nullptr;
    if (syntax == EXS_JPEGProcess1) parameter = &lossy;
    if (syntax == EXS_JPEGProcess14SV1) parameter = &lossless;
    if (syntax == EXS_JPEGLSLossless) parameter = &jpegls;
    if (syntax == EXS_RLELossless) parameter = &rle;
    const OFCondition encoded = copy.chooseRepresentation(syntax, parameter);
    if (encoded.bad() || !copy.canWriteXfer(syntax)) {
      Fail(std::string("cannot encode in ") + DcmXfer(syntax).getXferName());
    }
  }
  auto out = std::make_unique<CompressedFile>();
  out->path = (std::filesystem::temp_directory_path() /
               ("thumbnail_bench_" + std::to_string(::getpid()) + "_" +
                std::to_string(static_cast<int>(syntax)) + ".dcm"))
                  .string();
  if (file.saveFile(out->path.c_str(), syntax).bad()) Fail("cannot write " + out->path);
  out->file = std::make_unique<DcmFileFormat>();
  if (out->file->loadFile(out->path.c_str()).bad()) Fail("cannot read back " + out->path);
  return out;
}

}  // namespace pixeldex::bench

#include "bench/thumbnail_bench_codecs.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/codecs/compressed_pixels.h"

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
  std::vector<uint8_t> codestream =
      thumbnail::testing::EncodeJpeg2000(samples, columns, rows, 1, stored, signed_pixels != 0,
                                         /*lossless=*/true, /*mct=*/false);
  if (codestream.size() % 2 != 0) codestream.push_back(0);
  return codestream;
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
    try {
      thumbnail::testing::PutEncapsulated(copy, syntax, {EncodeJpeg2000(copy)});
    } catch (const std::exception& e) {
      Fail(e.what());
    }
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

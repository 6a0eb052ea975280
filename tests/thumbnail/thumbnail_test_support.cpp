#include "tests/thumbnail/thumbnail_test_support.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>
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

int ExpectWithin(const Png& actual, const Png& expected, double mean_tolerance,
                 int max_tolerance) {
  EXPECT_EQ(actual.width, expected.width);
  EXPECT_EQ(actual.height, expected.height);
  EXPECT_EQ(actual.channels, expected.channels);
  if (actual.pixels.size() != expected.pixels.size()) return -1;
  double sum = 0;
  int worst = 0;
  for (size_t i = 0; i < actual.pixels.size(); ++i) {
    const int d = std::abs(actual.pixels[i] - expected.pixels[i]);
    sum += d;
    worst = std::max(worst, d);
  }
  EXPECT_LE(sum / static_cast<double>(actual.pixels.size()), mean_tolerance);
  EXPECT_LE(worst, max_tolerance);
  return worst;
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

}  // namespace pixeldex::thumbnail::testing

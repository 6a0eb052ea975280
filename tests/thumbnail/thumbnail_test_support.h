#pragma once
// Test data for the thumbnail tests, built in code: datasets from a pixel
// spec, Part-10 files in a temporary directory, compressed variants made by
// DCMTK's command-line codecs or by OpenJPEG (tests/support/codecs), and a
// PNG decoder to check the output pixel by pixel.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "catalog/common/instance_record.h"
#include "tests/support/codecs/compressed_pixels.h"

namespace pixeldex::thumbnail::testing {

struct PixelSpec {
  int rows = 1;
  int columns = 1;
  int bits_allocated = 8;
  int bits_stored = 8;
  int high_bit = 7;
  bool is_signed = false;
  int samples_per_pixel = 1;
  std::string photometric = "MONOCHROME2";
  int planar_configuration = 0;
  int frames = 1;
};

// A dataset with SOP UIDs, the Image Pixel Module of `spec` and native Pixel
// Data: `samples` (all frames, already in stored layout) as OB (8-bit) or OW.
std::unique_ptr<DcmDataset> MakeDataset(const PixelSpec& spec, const std::vector<uint32_t>& samples);
// The Image Pixel Module without Pixel Data.
std::unique_ptr<DcmDataset> MakeHeader(const PixelSpec& spec);
void SetWindow(DcmDataset& dataset, double center, double width);
void SetRescale(DcmDataset& dataset, double slope, double intercept);

// Decoded PNG: 8-bit grey (channels 1) or RGB (channels 3).
struct Png {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;
  int At(int x, int y, int c = 0) const { return pixels[(static_cast<size_t>(y) * width + x) * channels + c]; }
};
Png DecodePng(const std::string& bytes);
// Expects `actual` to have `expected`'s size and channels and to differ from
// it by at most `mean_tolerance` on average and `max_tolerance` anywhere;
// returns the worst difference (-1 when the sizes differ).
int ExpectWithin(const Png& actual, const Png& expected, double mean_tolerance, int max_tolerance);

// A fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void SaveFile(DcmDataset& dataset, const std::string& path, E_TransferSyntax transfer_syntax);
// Loads `path` the way the ingest pipeline does (values > 4096 bytes stay in
// the file until used) and renders it.
ThumbnailRecord RenderFile(const std::string& path, int max_size = 256);
// Saves `dataset` natively to a temporary file and renders the loaded file.
ThumbnailRecord RenderViaFile(DcmDataset& dataset, int max_size = 256);
// Runs a shell command; returns its exit status.
int RunCommand(const std::string& command);

}  // namespace pixeldex::thumbnail::testing

// thumbnail_bench: median and p99 CPU time of RenderThumbnail (decode frame,
// window, downscale, PNG encode) -- the cost inline rendering adds to each
// stored instance -- for typical images built in memory:
//   512x512 signed 16-bit CT with rescale and window, native and in each
//     lossless compressed syntax (JPEG SV1, JPEG-LS, RLE, JPEG 2000),
//   2048x2048 12-bit CR without window (min/max fallback),
//   640x480x3-frame 8-bit RGB ultrasound (middle frame).
// Not a test. Build: cmake --build build --target thumbnail_bench; run:
// build/bench/thumbnail_bench [iterations]. See bench/README.md "Thumbnails".

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/thumbnail_bench_codecs.h"
#include "catalog/storage/sha256.h"
#include "catalog/thumbnail/thumbnail_renderer.h"

namespace {

using pixeldex::thumbnail::RenderThumbnail;
using pixeldex::thumbnail::ThumbnailOptions;

std::unique_ptr<DcmDataset> Header(int columns, int rows, int bits, int stored, bool is_signed,
                                   int samples, const char* photometric, int frames) {
  auto d = std::make_unique<DcmDataset>();
  char uid[100];
  d->putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
  d->putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid));
  d->putAndInsertUint16(DCM_Rows, rows);
  d->putAndInsertUint16(DCM_Columns, columns);
  d->putAndInsertUint16(DCM_BitsAllocated, bits);
  d->putAndInsertUint16(DCM_BitsStored, stored);
  d->putAndInsertUint16(DCM_HighBit, stored - 1);
  d->putAndInsertUint16(DCM_PixelRepresentation, is_signed ? 1 : 0);
  d->putAndInsertUint16(DCM_SamplesPerPixel, samples);
  d->putAndInsertString(DCM_PhotometricInterpretation, photometric);
  if (samples > 1) d->putAndInsertUint16(DCM_PlanarConfiguration, 0);
  if (frames > 1) d->putAndInsertString(DCM_NumberOfFrames, std::to_string(frames).c_str());
  return d;
}

// A CT slice of `size` x `size`: a disc of soft tissue in air.
std::unique_ptr<DcmDataset> Ct(int size) {
  auto d = Header(size, size, 16, 16, true, 1, "MONOCHROME2", 1);
  std::vector<Uint16> px(static_cast<size_t>(size) * size);
  uint32_t noise = 1;
  const int c = size / 2, r = size * 200 / 512;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      noise = noise * 1103515245u + 12345u;
      const int dx = x - c, dy = y - c;
      const int hu = dx * dx + dy * dy < r * r ? 40 + (noise >> 26) : -1000;
      px[static_cast<size_t>(y) * size + x] = static_cast<Uint16>(static_cast<int16_t>(hu + 1024));
    }
  }
  d->putAndInsertUint16Array(DCM_PixelData, px.data(), px.size());
  d->putAndInsertString(DCM_RescaleIntercept, "-1024");
  d->putAndInsertString(DCM_RescaleSlope, "1");
  d->putAndInsertString(DCM_WindowCenter, "40");
  d->putAndInsertString(DCM_WindowWidth, "400");
  return d;
}

// A 16-bit image whose stored values span the whole range (a mammogram's or
// radiograph's detector values), with a wide window: the value-to-grey table
// has 65,536 entries.
std::unique_ptr<DcmDataset> WideRange() {
  auto d = Header(256, 256, 16, 16, false, 1, "MONOCHROME2", 1);
  std::vector<Uint16> px(256 * 256);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<Uint16>(i * 40503u);
  d->putAndInsertUint16Array(DCM_PixelData, px.data(), px.size());
  d->putAndInsertString(DCM_WindowCenter, "30000");
  d->putAndInsertString(DCM_WindowWidth, "40000");
  return d;
}

std::unique_ptr<DcmDataset> Cr() {
  auto d = Header(2048, 2048, 16, 12, false, 1, "MONOCHROME1", 1);
  std::vector<Uint16> px(2048 * 2048);
  for (size_t i = 0; i < px.size(); ++i)
    px[i] = static_cast<Uint16>((i * 2654435761u >> 20) & 0xFFF);
  d->putAndInsertUint16Array(DCM_PixelData, px.data(), px.size());
  return d;
}

std::unique_ptr<DcmDataset> Us() {
  auto d = Header(640, 480, 8, 8, false, 3, "RGB", 3);
  std::vector<Uint8> px(640 * 480 * 3 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<Uint8>((i * 31) ^ (i >> 9));
  d->putAndInsertUint8Array(DCM_PixelData, px.data(), px.size());
  return d;
}

double CpuMilliseconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void Bench(const char* name, DcmDataset& dataset, int iterations,
           E_TransferSyntax syntax = EXS_LittleEndianExplicit) {
  ThumbnailOptions options;
  std::vector<double> ms;
  std::string png;
  for (int i = 0; i < iterations + 3; ++i) {
    const double start = CpuMilliseconds();
    pixeldex::ThumbnailRecord record = RenderThumbnail(dataset, syntax, options);
    const double elapsed = CpuMilliseconds() - start;
    if (record.status != pixeldex::ThumbnailStatus::kOk) {
      std::fprintf(stderr, "%s: %s\n", name,
                   pixeldex::StoredThumbnailStatus(record.status, record.reason).c_str());
      std::exit(1);
    }
    png = std::move(record.png);
    if (i >= 3) ms.push_back(elapsed);  // skip warm-up
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms[ms.size() / 2];
  const double p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  // The PNG's size and the head of its SHA-256: two builds that must render
  // the same thumbnail can be compared from this output alone.
  std::printf("%-28s median %7.3f ms  p99 %7.3f ms  (%d runs, PNG %zu bytes, sha256 %.12s)\n", name,
              median, p99, iterations, png.size(), pixeldex::storage::Sha256Hex(png).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  auto ct = Ct(512);
  auto cr = Cr();
  auto us = Us();
  auto tiny = Ct(64);
  auto wide = WideRange();
  Bench("CT 512x512 s16 windowed", *ct, iterations);
  const std::pair<const char*, E_TransferSyntax> compressed[] = {
      {"  same, JPEG lossless SV1", EXS_JPEGProcess14SV1},
      {"  same, JPEG-LS lossless", EXS_JPEGLSLossless},
      {"  same, RLE", EXS_RLELossless},
      {"  same, JPEG 2000 lossless", EXS_JPEG2000LosslessOnly},
  };
  for (const auto& [name, syntax] : compressed) {
    auto copy = pixeldex::bench::Compressed(*ct, syntax);
    Bench(name, *copy->file->getDataset(), iterations, syntax);
  }
  Bench("CR 2048x2048 12-bit min/max", *cr, std::max(1, iterations / 4));
  auto cr_j2k = pixeldex::bench::Compressed(*cr, EXS_JPEG2000LosslessOnly);
  Bench("  same, JPEG 2000 lossless", *cr_j2k->file->getDataset(), std::max(1, iterations / 4),
        EXS_JPEG2000LosslessOnly);
  Bench("US 640x480 RGB, 3 frames", *us, iterations);
  Bench("CT 64x64 s16 windowed", *tiny, iterations * 10);
  Bench("256x256 u16 full range", *wide, iterations * 10);
  return 0;
}

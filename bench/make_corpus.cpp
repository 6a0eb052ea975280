// make_corpus: writes a folder of CT-like Part-10 files for the import
// benchmark (bench/README.md "Import"): 16-bit greyscale, SIZExSIZE, Explicit
// VR Little Endian, 100 slices per series (or --per-series), 2 series per study, in
// study/series folders with extension-less names, as PACS exports look.
// Every slice has its own pixels (a phantom that changes along z), so
// thumbnails and hashes differ. Not a test.
//
//   make_corpus --out DIR [--files N] [--size PIXELS] [--per-series N]

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

constexpr int kSeriesPerStudy = 2;

std::string NewUid() {
  char uid[100];
  return dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
}

// A water cylinder with a denser sphere whose radius changes along z, in
// CT numbers stored as value + 1024.
std::vector<Uint16> Phantom(int size, int slice) {
  std::vector<Uint16> pixels(static_cast<size_t>(size) * size);
  const double c = size / 2.0;
  const double sphere = size * (0.1 + 0.1 * std::sin(slice * 0.05));
  for (int r = 0; r < size; ++r) {
    for (int col = 0; col < size; ++col) {
      const double d = std::hypot(r - c, col - c);
      int hu = -1000;
      if (d < size * 0.45)
        hu = static_cast<int>(std::lround(20 * std::sin((r + col + slice) * 0.1)));
      if (d < sphere) hu = 400;
      pixels[static_cast<size_t>(r) * size + col] = static_cast<Uint16>(hu + 1024);
    }
  }
  return pixels;
}

bool Write(const std::string& path, int size, int slice, int series_number,
           const std::string& study_uid, const std::string& series_uid, int patient) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  auto put = [&](const DcmTagKey& tag, const std::string& v) {
    ds->putAndInsertString(tag, v.c_str());
  };
  put(DCM_SOPClassUID, UID_CTImageStorage);
  put(DCM_SOPInstanceUID, NewUid());
  put(DCM_StudyInstanceUID, study_uid);
  put(DCM_SeriesInstanceUID, series_uid);
  put(DCM_PatientID, "BENCH-" + std::to_string(patient));
  put(DCM_PatientName, "Bench^Patient" + std::to_string(patient));
  put(DCM_PatientBirthDate, "19700101");
  put(DCM_PatientSex, patient % 2 ? "F" : "M");
  put(DCM_StudyDate, "20260115");
  put(DCM_StudyTime, "101500");
  put(DCM_AccessionNumber, "BA" + std::to_string(patient));
  put(DCM_StudyDescription, "CT Chest");
  put(DCM_Modality, "CT");
  put(DCM_SeriesNumber, std::to_string(series_number));
  put(DCM_SeriesDescription, "Axial");
  put(DCM_InstanceNumber, std::to_string(slice + 1));
  put(DCM_SliceThickness, "1.0");
  put(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
  put(DCM_PhotometricInterpretation, "MONOCHROME2");
  put(DCM_RescaleIntercept, "-1024");
  put(DCM_RescaleSlope, "1");
  put(DCM_WindowCenter, "40");
  put(DCM_WindowWidth, "400");
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(size));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(size));
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertUint16(DCM_BitsAllocated, 16);
  ds->putAndInsertUint16(DCM_BitsStored, 12);
  ds->putAndInsertUint16(DCM_HighBit, 11);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  const std::vector<Uint16> pixels = Phantom(size, slice);
  ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(),
                              static_cast<unsigned long>(pixels.size()));
  const OFCondition cond = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (cond.bad())
    std::fprintf(stderr, "make_corpus: cannot write %s: %s\n", path.c_str(), cond.text());
  return cond.good();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  int files = 2000;
  int size = 512;
  int per_series = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--out")
      out = argv[i + 1];
    else if (flag == "--files")
      files = std::atoi(argv[i + 1]);
    else if (flag == "--size")
      size = std::atoi(argv[i + 1]);
    else if (flag == "--per-series")
      per_series = std::atoi(argv[i + 1]);
  }
  if (out.empty() || files <= 0 || size <= 0 || size > 4096 || per_series <= 0 ||
      argc % 2 == 0) {
    std::fprintf(stderr,
                 "usage: make_corpus --out DIR [--files N] [--size PIXELS] [--per-series N]\n");
    return 2;
  }
  std::string study_uid, series_uid;
  for (int n = 0; n < files; ++n) {
    const int slice = n % per_series;
    const int series = n / per_series;
    const int study = series / kSeriesPerStudy;
    if (slice == 0) {
      if (series % kSeriesPerStudy == 0) study_uid = NewUid();
      series_uid = NewUid();
    }
    const std::string dir =
        out + "/study" + std::to_string(study) + "/series" + std::to_string(series);
    std::filesystem::create_directories(dir);
    char name[32];
    std::snprintf(name, sizeof(name), "/IM%05d", slice);
    if (!Write(dir + name, size, slice, series % kSeriesPerStudy + 1, study_uid, series_uid,
               study)) {
      return 1;
    }
  }
  return 0;
}

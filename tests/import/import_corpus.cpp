#include "tests/import/import_corpus.h"

#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace pixeldex::testing {
namespace fs = std::filesystem;

void WriteBytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void WriteRawDataset(const std::string& path, const TestInstance& instance, E_TransferSyntax xfer) {
  const std::string part10 = path + ".part10";
  WriteTestInstance(part10, instance, xfer);
  DcmFileFormat file;
  if (file.loadFile(part10.c_str()).bad()) throw std::runtime_error("cannot reload " + part10);
  fs::remove(part10);
  if (file.getDataset()->saveFile(path.c_str(), xfer).bad()) {
    throw std::runtime_error("cannot write raw data set " + path);
  }
}

ImportCorpus MakeImportCorpus(const std::string& root, const CorpusShape& shape) {
  ImportCorpus corpus;
  int n = 0;
  for (int st = 0; st < shape.studies; ++st) {
    TestInstance t;
    t.patient_id = "IMP-" + std::to_string(st % 2);  // patients share studies
    t.patient_name = "Import^Patient" + std::to_string(st % 2);
    t.study_uid = UniqueUid("1.");
    t.accession_number = "ACC-" + std::to_string(st);
    t.study_date = "202601" + std::to_string(10 + st);
    for (int se = 0; se < shape.series_per_study; ++se) {
      t.series_uid = UniqueUid("2.");
      t.series_number = se + 1;
      t.modality = se % 2 == 0 ? "CT" : "MR";
      const std::string dir = root + "/patient" + std::to_string(st % 2) + "/study" +
                              std::to_string(st) + "/series" + std::to_string(se);
      fs::create_directories(dir);
      for (int in = 0; in < shape.instances_per_series; ++in, ++n) {
        t.sop_instance_uid = UniqueUid("3.");
        t.instance_number = in + 1;
        t.pixel_offset = n * 7;  // distinct pixels, so distinct thumbnails
        const std::string path = dir + "/IM" + std::to_string(1000 + in);
        if (shape.raw_every > 0 && n % shape.raw_every == shape.raw_every - 1) {
          WriteRawDataset(path, t, n % 2 ? EXS_LittleEndianExplicit : EXS_LittleEndianImplicit);
        } else {
          WriteTestInstance(path, t, n % 2 ? EXS_LittleEndianImplicit : EXS_LittleEndianExplicit);
        }
        corpus.instances.push_back(t);
        corpus.paths.push_back(path);
      }
    }
  }
  if (shape.add_not_dicom) {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"README.txt", "Exported by a PACS, 2026.\n"},
        {"patient0/DICOMDIR.lock", ""},
        {"patient0/study0/thumbs.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0')},
        {"patient1/notes", "x"},
    };
    for (const auto& [name, bytes] : files) {
      WriteBytes(root + "/" + name, bytes);
      corpus.not_dicom.push_back(root + "/" + name);
    }
  }
  if (shape.add_broken && !corpus.paths.empty()) {
    // A Part-10 file cut inside its header: recognised, but unreadable.
    const std::string whole = ReadFileBytes(corpus.paths.front());
    const std::string cut = root + "/patient1/broken/cut_short.dcm";
    WriteBytes(cut, whole.substr(0, 300));
    corpus.broken.push_back(cut);
    // Cut inside Pixel Data too large to be read eagerly (the pipeline loads
    // long values lazily): the shortfall must still be noticed.
    TestInstance big;
    big.sop_instance_uid = UniqueUid("3.");
    big.rows = big.columns = 64;
    const std::string big_path = root + "/patient1/broken/big.part10";
    WriteTestInstance(big_path, big);
    const std::string big_bytes = ReadFileBytes(big_path);
    fs::remove(big_path);
    const std::string cut_pixels = root + "/patient1/broken/cut_in_pixels.dcm";
    WriteBytes(cut_pixels, big_bytes.substr(0, big_bytes.size() - 3000));
    corpus.broken.push_back(cut_pixels);
    // A readable data set that is not a composite instance (no UIDs).
    TestInstance no_uid;
    no_uid.sop_instance_uid = "";
    const std::string anonymous = root + "/patient1/broken/no_uid.dcm";
    WriteTestInstance(anonymous, no_uid);
    corpus.broken.push_back(anonymous);
  }
  return corpus;
}

}  // namespace pixeldex::testing

#include "tests/export/export_archive.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace pixeldex::testing {
namespace fs = std::filesystem;

void ExportArchive::Import(const std::vector<TestInstance>& instances, const FileEdit& edit) {
  const std::string source = dir_ / "source";
  fs::create_directories(source);
  for (const TestInstance& instance : instances) {
    sources_.push_back(source + "/" + std::to_string(sources_.size()) + ".dcm");
    WriteTestInstance(sources_.back(), instance);
    if (edit) edit(sources_.size() - 1, sources_.back());
  }
  const ProcessResult result = RunProcess({PIXELDEX_BINARY, "import", "--storage",
                                           dir_ / "storage", "--index", index_path(),
                                           "--no-thumbnails", source});
  if (result.exit_code != 0) throw std::runtime_error("import failed: " + result.output);
}

ProcessResult ExportArchive::Export(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {PIXELDEX_BINARY, "export", "--storage", dir_ / "storage",
                                   "--index", index_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

std::vector<std::string> ExportArchive::FilesBelow(const std::string& dir) {
  std::vector<std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<TestInstance> TwoCtsAndAnMr(const std::string& patient_id, const std::string& root) {
  TestInstance ct1;
  ct1.patient_id = patient_id;
  ct1.study_uid = root;
  ct1.series_uid = root + ".1";
  ct1.sop_instance_uid = root + ".1.1";
  TestInstance ct2 = ct1;
  ct2.sop_instance_uid = root + ".1.2";
  ct2.instance_number = 2;
  TestInstance mr = ct1;
  mr.modality = "MR";
  mr.sop_class_uid = "1.2.840.10008.5.1.4.1.1.4";  // MR Image Storage
  mr.series_uid = root + ".2";
  mr.sop_instance_uid = root + ".2.1";
  return {ct1, ct2, mr};
}

}  // namespace pixeldex::testing

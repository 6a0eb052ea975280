#pragma once
// ExportArchive: a small archive made for the export tests (instances written
// by dicom_factory, cataloged by the real `pixeldex import`) and runs of the
// real `pixeldex export` against it.

#include <functional>
#include <string>
#include <vector>

#include "tests/support/dicom_factory.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

class ExportArchive {
 public:
  // Writes `instances` as source files, lets `edit` change each file written
  // (index, path), and imports them; throws on failure.
  using FileEdit = std::function<void(size_t index, const std::string& path)>;
  void Import(const std::vector<TestInstance>& instances, const FileEdit& edit = nullptr);
  // `pixeldex export` with the archive's --storage and --index, then `args`.
  ProcessResult Export(const std::vector<std::string>& args) const;
  // The source file written for instance i of Import.
  const std::string& SourceFile(size_t i) const { return sources_.at(i); }
  std::string index_path() const { return dir_ / "index.db"; }
  // A fresh path in the temp dir (not created).
  std::string Path(const std::string& name) const { return dir_ / name; }
  // The '/'-separated paths of the regular files below `dir`, sorted.
  static std::vector<std::string> FilesBelow(const std::string& dir);

 private:
  TempDir dir_;
  std::vector<std::string> sources_;
};

}  // namespace pixeldex::testing

#pragma once
// ExportArchive: a small archive made for the export and delete tests
// (instances written by dicom_factory, cataloged by the real `pixeldex
// import`) and runs of the real `pixeldex export` against it; ArchiveTest,
// the fixture those tests share (on either index), and the study they start
// from.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/support/dicom_factory.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_index.h"

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
  // storage.index: index.db in the archive's folder unless UseIndex said
  // otherwise (before Import).
  std::string index_path() const { return index_.empty() ? dir_ / "index.db" : index_; }
  void UseIndex(std::string location) { index_ = std::move(location); }
  // A fresh path in the temp dir (not created).
  std::string Path(const std::string& name) const { return dir_ / name; }
  // The '/'-separated paths of the regular files below `dir`, sorted.
  static std::vector<std::string> FilesBelow(const std::string& dir);

 private:
  TempDir dir_;
  std::string index_;
  std::vector<std::string> sources_;
};

// One study of patient `patient_id` under the UID root `root`: two CT
// instances of series <root>.1 (<root>.1.1, <root>.1.2) and one MR instance
// of series <root>.2 (<root>.2.1).
std::vector<TestInstance> TwoCtsAndAnMr(const std::string& patient_id, const std::string& root);

// A fixture whose archive_ holds instances_, once a test's SetUp calls
// Import, on the index its parameter names (test_index.h): the cases run
// on SQLite by their tests here and on PostgreSQL by tests/postgres.
class ArchiveTest : public ::testing::TestWithParam<IndexKind> {
 protected:
  ArchiveTest() { archive_.UseIndex(index_.location()); }
  void Import(std::vector<TestInstance> instances, const ExportArchive::FileEdit& edit = nullptr) {
    instances_ = std::move(instances);
    archive_.Import(instances_, edit);
  }

  ExportArchive archive_;
  TestIndex index_{GetParam(), archive_.Path("index.db")};
  std::vector<TestInstance> instances_;
};

}  // namespace pixeldex::testing

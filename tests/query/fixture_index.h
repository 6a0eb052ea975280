#pragma once
// Builds a temporary index from a case-file fixture: rows inserted with
// bound-parameter SQL into a schema made by index::PrepareForWriting, and each
// instance's headers.json built (DICOM JSON, PS3.18 F.2) from the attributes
// of the instance and its series, study and patient.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"
#include "tests/query/case_file.h"

namespace pixeldex::query::testing {

// A database file in a fresh temporary directory, removed on destruction.
class TempIndex {
 public:
  static Result<TempIndex> Create();
  TempIndex(TempIndex&& other) noexcept : dir_(std::move(other.dir_)), db_(std::move(other.db_)) {
    other.dir_.clear();
  }
  ~TempIndex();
  index::Db& db() { return db_; }
  std::string path() const { return dir_ + "/index.db"; }

 private:
  TempIndex(std::string dir, index::Db db) : dir_(std::move(dir)), db_(std::move(db)) {}
  std::string dir_;
  index::Db db_;
};

Status LoadFixture(index::Db& db, const std::vector<FixtureEntity>& fixture);

// A GoogleTest fixture whose temp_ holds a fresh, empty TempIndex.
class TempIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = TempIndex::Create();
    ASSERT_TRUE(temp.ok()) << temp.status().ToString();
    temp_.emplace(std::move(*temp));
  }
  std::optional<TempIndex> temp_;
};

// The DICOM JSON object of a list of attributes.
std::string ToDicomJson(const std::vector<ResponseAttribute>& attributes);

}  // namespace pixeldex::query::testing

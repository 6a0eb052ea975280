#pragma once
// TwoBackendTest: two `pixeldex serve` processes holding the same instances,
// one on a SQLite index and one on a real PostgreSQL (postgres_server.h),
// so that a test can ask both the same question and compare the answers
// (issue 18). Both listen for DIMSE and, with the test users of
// dicomweb_users.h, for HTTP on 127.0.0.1. The corpus, stored by DCMTK's
// storescu into each: three patients, four studies, five series, seven
// instances (the UIDs in study_uids_, series_uids_, instance_uids_, in the
// order below).

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/dicomweb_users.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::testing {

class TwoBackendTest : public ::testing::Test {
 protected:
  // Extra `pixeldex serve` arguments for both servers (e.g. move
  // destinations that must be known before they start).
  virtual std::vector<std::string> ExtraServerArgs() const { return {}; }

  void SetUp() override {
    ServerProcess::Options sqlite;
    sqlite.storage = dir_ / "sqlite-storage";
    sqlite.index = dir_ / "index.db";
    sqlite.log_file = dir_ / "sqlite.log";
    sqlite.extra_args = {"--http", "127.0.0.1:0", "--set", UsersSetting()};
    const std::vector<std::string> extra = ExtraServerArgs();
    sqlite.extra_args.insert(sqlite.extra_args.end(), extra.begin(), extra.end());
    sqlite_ = ServerProcess::Start(sqlite);
    ServerProcess::Options postgres;
    postgres.storage = dir_ / "pg-storage";
    postgres.index = postgres_.Uri();
    postgres.log_file = dir_ / "pg.log";
    postgres.extra_args = sqlite.extra_args;
    postgres_server_ = ServerProcess::Start(postgres);
    StoreCorpus();
  }

  void StoreCorpus() {
    struct Study {
      const char* patient_id;
      const char* patient_name;
      const char* date;
      const char* accession;
      const char* description;
      std::vector<std::pair<const char*, int>> series;  // modality, instances
    };
    const std::vector<Study> studies = {
        {"PID-C", "Curie^Marie", "20240115", "A-11", "MR Brain", {{"MR", 2}, {"MR", 1}}},
        {"PID-C", "Curie^Marie", "20230510", "A-12", "CT Chest", {{"CT", 1}}},
        {"PID-P", "Curie^Pierre", "20240620", "A-21", "CT Abdomen", {{"CT", 2}}},
        {"PID-B", "Bohr^Niels", "20250101", "B-31", "MR Knee", {{"MR", 1}}},
    };
    std::vector<std::string> files;
    for (const Study& s : studies) {
      TestInstance t;
      t.patient_id = s.patient_id;
      t.patient_name = s.patient_name;
      t.study_date = s.date;
      t.accession_number = s.accession;
      t.study_description = s.description;
      t.study_uid = UniqueUid("1.");
      study_uids_.push_back(t.study_uid);
      t.series_number = 0;
      for (const auto& [modality, instances] : s.series) {
        t.modality = modality;
        t.series_uid = UniqueUid("2.");
        series_uids_.push_back(t.series_uid);
        ++t.series_number;
        for (int i = 1; i <= instances; ++i) {
          t.sop_instance_uid = UniqueUid("3.");
          instance_uids_.push_back(t.sop_instance_uid);
          t.instance_number = i;
          t.pixel_offset = static_cast<int>(files.size()) * 7;
          files.push_back(dir_ / ("i" + std::to_string(files.size()) + ".dcm"));
          WriteTestInstance(files.back(), t);
        }
      }
    }
    for (const ServerProcess* server : servers()) {
      std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",           "-aec",
                                       "PIXELDEX", "127.0.0.1", server->port_string()};
      argv.insert(argv.end(), files.begin(), files.end());
      const ProcessResult r = RunProcess(argv, FastClientEnv());
      ASSERT_EQ(r.exit_code, 0) << r.output << server->Log();
    }
  }

  // The SQLite-indexed server first, then the PostgreSQL-indexed one.
  std::vector<const ServerProcess*> servers() const {
    return {sqlite_.get(), postgres_server_.get()};
  }

  TempDir dir_;
  PostgresServer postgres_;
  std::unique_ptr<ServerProcess> sqlite_;
  std::unique_ptr<ServerProcess> postgres_server_;
  std::vector<std::string> study_uids_;
  std::vector<std::string> series_uids_;
  std::vector<std::string> instance_uids_;
};

}  // namespace pixeldex::testing

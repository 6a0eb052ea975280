#pragma once
// `pixeldex delete`, the real binary: a dry run changes nothing; a delete
// beside a running server removes files and rows, C-FIND stops returning the
// instance at once, `check` finds files and index in agreement, and the event
// says who and why; a delete a crash interrupted after its first durable step
// is finished when the server starts; instances of a protected study are
// refused and kept, the refusal logged with the user and the study.
//
// The cases run on either index (TestIndex): delete_e2e_test instantiates
// them on SQLite, tests/postgres/pg_lifecycle_e2e_test on PostgreSQL.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "catalog/storage/storage_layout.h"
#include "tests/export/export_archive.h"
#include "tests/support/index_probe.h"
#include "tests/support/server_process.h"
#include "tests/support/test_index.h"

namespace pixeldex::testing {

namespace fs = std::filesystem;

class DeleteTest : public ArchiveTest {
 protected:
  void SetUp() override { Import(TwoCtsAndAnMr("PID-D", "1.2.826.0.1.3680043.10.1234.921")); }
  ProcessResult Delete(std::vector<std::string> args) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, "delete", "--storage", Storage(), "--index",
                                     archive_.index_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  std::string Storage() const { return archive_.Path("storage"); }
  // `pixeldex protect` or `unprotect` (the real commands) of `args`.
  ProcessResult Mark(const std::string& command, std::vector<std::string> args) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, command, "--storage", Storage(), "--index",
                                     archive_.index_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  std::string StoredFile(size_t i) const {
    return Storage() + "/" + instances_[i].study_uid + "/" + instances_[i].series_uid + "/" +
           instances_[i].sop_instance_uid + ".dcm";
  }
  long long Rows(size_t i) const {
    return IndexProbe(archive_.index_path())
        .Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1",
               {instances_[i].sop_instance_uid});
  }
  ProcessResult Check() const {
    return RunProcess({PIXELDEX_BINARY, "check", "--storage", Storage(), "--index",
                       archive_.index_path()});
  }
  // Image-level C-FIND of the study: the SOP Instance UIDs answered.
  static int Matches(const ServerProcess& server, const std::string& study_uid) {
    auto r = RunProcess({"findscu", "-v", "-S", "-aec", "PIXELDEX", "-k",
                         "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study_uid, "-k",
                         "SOPInstanceUID", "127.0.0.1", server.port_string()},
                        FastClientEnv());
    int pending = 0;
    for (size_t at = 0; (at = r.output.find("(Pending)", at)) != std::string::npos; ++at) ++pending;
    return r.exit_code == 0 ? pending : -1;
  }
};

TEST_P(DeleteTest, ADryRunListsAndChangesNothing) {
  auto result = Delete({"--dry-run", "--where", "modality = 'MR'"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("would delete " + instances_[2].sop_instance_uid),
            std::string::npos);
  EXPECT_EQ(result.output.find("would delete " + instances_[0].sop_instance_uid),
            std::string::npos);
  EXPECT_TRUE(fs::exists(StoredFile(2)));
  EXPECT_EQ(Rows(2), 1);
}

TEST_P(DeleteTest, BesideARunningServerCFindStopsReturningItAtOnce) {
  auto server = ServerProcess::Start({Storage(), archive_.index_path(), archive_.Path("log")});
  ASSERT_EQ(Matches(*server, instances_[0].study_uid), 3);
  auto result = Delete({"--reason", "consent withdrawn #4711", instances_[1].sop_instance_uid,
                        instances_[2].series_uid});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("2 selected, 2 deleted, 0 failed"), std::string::npos)
      << result.output;
  EXPECT_EQ(Matches(*server, instances_[0].study_uid), 1);
  EXPECT_FALSE(fs::exists(StoredFile(1)));
  EXPECT_FALSE(fs::exists(StoredFile(2)));
  EXPECT_TRUE(fs::exists(StoredFile(0)));
  EXPECT_EQ(Rows(1) + Rows(2), 0);
  const auto events = IndexProbe(archive_.index_path())
                          .Rows("SELECT sop_instance_uid, detail FROM events WHERE kind = "
                                "'deleted' ORDER BY sop_instance_uid");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0][0], instances_[1].sop_instance_uid);
  EXPECT_NE(events[0][1].find("user "), std::string::npos) << events[0][1];
  EXPECT_NE(events[0][1].find("consent withdrawn #4711"), std::string::npos) << events[0][1];
  auto check = Check();
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(server->Stop(), 0);
}

TEST_P(DeleteTest, AnInterruptedDeleteIsFinishedAtStartUp) {
  // As a crash right after the first durable step leaves it: the file moved
  // into .deleting/, the rows still there.
  const std::string pending =
      Storage() + "/" + storage::StorageLayout::DeletingRelativePath(instances_[0].sop_instance_uid);
  fs::create_directories(fs::path(pending).parent_path());
  fs::rename(StoredFile(0), pending);
  auto server = ServerProcess::Start({Storage(), archive_.index_path(), archive_.Path("log")});
  EXPECT_EQ(Rows(0), 0) << "finished, not cataloged again";
  EXPECT_FALSE(fs::exists(pending));
  EXPECT_EQ(Matches(*server, instances_[0].study_uid), 2);
  EXPECT_EQ(IndexProbe(archive_.index_path())
                .Count("SELECT count(*) FROM events WHERE kind = 'delete_finished' AND "
                       "sop_instance_uid = ?1",
                       {instances_[0].sop_instance_uid}),
            1);
  auto check = Check();
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(server->Stop(), 0);
}

TEST_P(DeleteTest, UsageErrorsExitTwoAndUnknownUidsOne) {
  EXPECT_EQ(Delete({instances_[0].sop_instance_uid}).exit_code, 2) << "no --reason";
  EXPECT_EQ(Delete({"--reason", "r"}).exit_code, 2) << "no selection";
  EXPECT_EQ(Delete({"--reason", "r", "--where", "1", instances_[0].sop_instance_uid}).exit_code, 2);
  EXPECT_EQ(Delete({"--reason", "r", "1.2.3.4.5.6"}).exit_code, 1);
  EXPECT_EQ(Delete({"--reason", "r", "--where", "1); DELETE FROM instances; --"}).exit_code, 1);
  EXPECT_EQ(IndexProbe(archive_.index_path()).Count("SELECT count(*) FROM instances"), 3);
}

// Two studies: instances_[0..2] of study .921 (protected by the tests),
// instances_[3..5] of study .922.
class ProtectedDeleteTest : public DeleteTest {
 protected:
  void SetUp() override {
    std::vector<TestInstance> both = TwoCtsAndAnMr("PID-D", "1.2.826.0.1.3680043.10.1234.921");
    for (TestInstance& t : TwoCtsAndAnMr("PID-E", "1.2.826.0.1.3680043.10.1234.922")) {
      both.push_back(t);
    }
    Import(both);
    const ProcessResult protect =
        Mark("protect", {"--reason", "court case 17", instances_[0].study_uid});
    ASSERT_EQ(protect.exit_code, 0) << protect.output;
  }
  // The JSON log lines of `output` that carry a "user" field.
  static std::vector<nlohmann::json> UserLogLines(const std::string& output) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line.front() != '{') continue;
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (!parsed.is_discarded() && parsed.contains("user")) lines.push_back(parsed);
    }
    return lines;
  }
};

TEST_P(ProtectedDeleteTest, InstancesOfAProtectedStudyAreRefusedAndKept) {
  // The MR series of the protected study and a CT of the other one.
  auto result = Delete({"--set", "log.format=json", "--reason", "cleanup",
                        instances_[2].series_uid, instances_[3].sop_instance_uid});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("2 selected, 1 deleted, 0 failed, 1 refused (protected)"),
            std::string::npos)
      << result.output;
  EXPECT_TRUE(fs::exists(StoredFile(2)));
  EXPECT_EQ(Rows(2), 1);
  EXPECT_FALSE(fs::exists(StoredFile(3)));
  EXPECT_EQ(Rows(3), 0);
  EXPECT_EQ(IndexProbe(archive_.index_path())
                .Count("SELECT count(*) FROM events WHERE kind = 'deleted' AND "
                       "sop_instance_uid = ?1",
                       {instances_[2].sop_instance_uid}),
            0);
  const auto lines = UserLogLines(result.output);
  ASSERT_EQ(lines.size(), 1u) << result.output;
  EXPECT_EQ(lines[0].value("level", ""), "WARN") << lines[0].dump();
  EXPECT_FALSE(lines[0].value("user", "").empty());
  EXPECT_EQ(lines[0].value("study_instance_uid", ""), instances_[0].study_uid);
  const std::string msg = lines[0].value("msg", "");
  EXPECT_NE(msg.find("is protected"), std::string::npos) << msg;
  EXPECT_NE(msg.find("court case 17"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pixeldex unprotect"), std::string::npos) << msg;
  auto check = Check();
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_P(ProtectedDeleteTest, ADryRunDoesNotListThemAndUnprotectingLetsThemGo) {
  auto dry = Delete({"--dry-run", "--where", "modality = 'MR'"});
  EXPECT_EQ(dry.exit_code, 1) << dry.output;
  EXPECT_EQ(dry.output.find("would delete " + instances_[2].sop_instance_uid), std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("would delete " + instances_[5].sop_instance_uid), std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("1 refused (protected)"), std::string::npos) << dry.output;

  const ProcessResult unprotect = Mark("unprotect", {instances_[0].study_uid});
  ASSERT_EQ(unprotect.exit_code, 0) << unprotect.output;
  auto result = Delete({"--reason", "court case closed", instances_[0].study_uid});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("3 selected, 3 deleted, 0 failed, 0 refused"), std::string::npos)
      << result.output;
  EXPECT_FALSE(fs::exists(StoredFile(0)));
  EXPECT_EQ(Rows(0) + Rows(1) + Rows(2), 0);
}

}  // namespace pixeldex::testing

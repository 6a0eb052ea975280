// C-GET and C-MOVE on a PostgreSQL index (issue 18): the same instances in
// a SQLite-indexed and a PostgreSQL-indexed `pixeldex serve`
// (two_backend_test.h), then the same getscu and movescu requests at the
// PATIENT, STUDY, SERIES and IMAGE levels (PS3.4 C.4.2.2.1, C.4.3.2.1), with
// UID lists and an unknown UID: each server must send the same instances,
// byte-identical data sets, and answer with the same statuses and
// sub-operation counts.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "tests/postgres/two_backend_test.h"
#include "tests/support/store_scp.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

// What one retrieve did, as the client saw it.
struct Retrieved {
  // The response lines of the retrieve (status and sub-operation counts).
  std::vector<std::string> responses;
  // SOP Instance UID -> the received data set's bytes.
  std::map<std::string, std::string> instances;
};

bool operator==(const Retrieved& a, const Retrieved& b) {
  return a.responses == b.responses && a.instances == b.instances;
}

std::ostream& operator<<(std::ostream& out, const Retrieved& r) {
  for (const auto& line : r.responses) out << line << "\n";
  for (const auto& [uid, bytes] : r.instances) out << uid << " (" << bytes.size() << " bytes)\n";
  return out;
}

// The status and count lines getscu and movescu print with -v.
std::vector<std::string> ResponseLines(const std::string& output) {
  static const std::regex line(
      R"(Received (Final )?(C-GET|Move) Response[^\n]*|Number of \w+ Suboperations\s*: \d+)");
  std::vector<std::string> lines;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), line);
       it != std::sregex_iterator(); ++it) {
    lines.push_back(it->str());
  }
  return lines;
}

class PgRetrieveE2eTest : public TwoBackendTest {
 protected:
  void SetUp() override {
    // The destination listens before the servers start: its port is in
    // their arguments.
    dest_dir_ = dir_ / "dest";
    fs::create_directories(dest_dir_);
    dest_ = StoreScp::Start({"DEST", dest_dir_, dir_ / "dest.log", {"+B", "+xa"}, {}});
    TwoBackendTest::SetUp();
  }
  std::vector<std::string> ExtraServerArgs() const override {
    return {"--move-destination", "DEST=127.0.0.1:" + std::to_string(dest_->port())};
  }

  // The instances received into `dir` and the response lines of `output`.
  static Retrieved Collect(const std::string& dir, const std::string& output) {
    Retrieved r;
    r.responses = ResponseLines(output);
    for (const auto& [uid, path] : InstancesIn(dir)) r.instances[uid] = DatasetBytes(path);
    return r;
  }

  // getscu with `keys` (model, then "-k Keyword=value"...) against `server`.
  Retrieved Get(const ServerProcess& server, const std::vector<std::string>& keys) {
    const std::string out = dir_ / ("get" + std::to_string(++retrieves_));
    fs::create_directories(out);
    std::vector<std::string> argv = {"getscu", "-v",       "+B",  "-aet", "VIEWER",
                                     "-aec",   "PIXELDEX", "-od", out};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), {"127.0.0.1", server.port_string()});
    const ProcessResult result = RunProcess(argv, FastClientEnv());
    return Collect(out, result.output);
  }

  // movescu to DEST with `keys` against `server`.
  Retrieved Move(const ServerProcess& server, const std::vector<std::string>& keys) {
    for (const auto& entry : fs::directory_iterator(dest_dir_)) fs::remove_all(entry.path());
    std::vector<std::string> argv = {"movescu", "-v",       "-aet", "MOVER",
                                     "-aec",    "PIXELDEX", "-aem", "DEST"};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), {"127.0.0.1", server.port_string()});
    const ProcessResult result = RunProcess(argv, FastClientEnv());
    return Collect(dest_dir_, result.output);
  }

  // Both retrieves of `keys` on both servers: the same answers, the
  // instances `expected` (indexes into instance_uids_) received.
  void ExpectSameRetrieves(const std::vector<std::string>& keys,
                           const std::vector<size_t>& expected) {
    std::string request;
    for (const auto& k : keys) request += k + " ";
    SCOPED_TRACE(request);
    std::vector<std::string> expected_uids;
    for (size_t i : expected) expected_uids.push_back(instance_uids_[i]);
    std::sort(expected_uids.begin(), expected_uids.end());
    for (const char* service : {"C-GET", "C-MOVE"}) {
      SCOPED_TRACE(service);
      auto retrieve = [&](const ServerProcess& server) {
        return std::string(service) == "C-GET" ? Get(server, keys) : Move(server, keys);
      };
      const Retrieved on_sqlite = retrieve(*sqlite_);
      const Retrieved on_postgres = retrieve(*postgres_server_);
      std::vector<std::string> received;
      for (const auto& [uid, bytes] : on_sqlite.instances) received.push_back(uid);
      EXPECT_EQ(received, expected_uids) << on_sqlite;
      EXPECT_FALSE(on_sqlite.responses.empty());
      EXPECT_EQ(on_postgres, on_sqlite) << postgres_server_->Log();
    }
  }

  std::string dest_dir_;
  std::unique_ptr<StoreScp> dest_;
  int retrieves_ = 0;
};

std::vector<std::string> Keys(const std::string& model, const std::vector<std::string>& keys) {
  std::vector<std::string> args = {model};
  for (const auto& k : keys) args.insert(args.end(), {"-k", k});
  return args;
}

TEST_F(PgRetrieveE2eTest, EveryLevelSendsWhatSqliteSends) {
  // Instances 0-2: study 0 (series 0: 0, 1; series 1: 2); 3: study 1;
  // 4-5: study 2 (series 3); 6: study 3.
  ExpectSameRetrieves(Keys("-P", {"QueryRetrieveLevel=PATIENT", "PatientID=PID-C"}), {0, 1, 2, 3});
  ExpectSameRetrieves(
      Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study_uids_[0]}), {0, 1, 2});
  ExpectSameRetrieves(Keys("-S", {"QueryRetrieveLevel=STUDY",
                                  "StudyInstanceUID=" + study_uids_[1] + "\\" + study_uids_[3]}),
                      {3, 6});
  ExpectSameRetrieves(
      Keys("-P", {"QueryRetrieveLevel=SERIES", "PatientID=PID-P",
                  "StudyInstanceUID=" + study_uids_[2], "SeriesInstanceUID=" + series_uids_[3]}),
      {4, 5});
  ExpectSameRetrieves(Keys("-S", {"QueryRetrieveLevel=SERIES",
                                  "SeriesInstanceUID=" + series_uids_[0] + "\\" + series_uids_[1]}),
                      {0, 1, 2});
  ExpectSameRetrieves(
      Keys("-S", {"QueryRetrieveLevel=IMAGE",
                  "SOPInstanceUID=" + instance_uids_[1] + "\\" + instance_uids_[5]}),
      {1, 5});
}

TEST_F(PgRetrieveE2eTest, AnUnknownUidIsAnsweredAsOnSqlite) {
  ExpectSameRetrieves(Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=1.2.3.999"}), {});
  ExpectSameRetrieves(Keys("-S", {"QueryRetrieveLevel=IMAGE", "SOPInstanceUID=1.2.3.999"}), {});
}

}  // namespace
}  // namespace pixeldex::testing

#pragma once
// RetrieveTest: a running pixeldex holding a small archive for C-GET and
// C-MOVE tests, stored through storescu:
//   patient P1: study A (series A1: a1, a2; series A2: a3), study B (b1)
//   patient P2: study C (series C1: c1)
// `uid_` maps those short names to the generated UIDs; ExpectReceived
// checks a receiving directory holds exactly the named instances, each
// data set bit-identical to pixeldex's stored copy. GetScu and MoveScu run
// DCMTK's getscu and movescu against the server.

#include <filesystem>
#include <map>
#include <set>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/store_scp.h"

namespace pixeldex::testing {

class RetrieveTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    for (const char* name : {"A", "B", "C"}) uid_[name] = UniqueUid("1.");
    for (const char* name : {"A1", "A2", "B1", "C1"}) uid_[name] = UniqueUid("2.");
    std::vector<std::string> files;
    auto add = [&](const std::string& name, const std::string& patient, const std::string& study,
                   const std::string& series, int number) {
      TestInstance t;
      t.patient_id = patient;
      t.study_uid = uid_[study];
      t.series_uid = uid_[series];
      t.instance_number = number;
      t.sop_instance_uid = uid_[name] = UniqueUid("3.");
      t.pixel_offset = static_cast<int>(files.size()) * 7;
      files.push_back(MakeInstance(t, name + ".dcm"));
    };
    add("a1", "P1", "A", "A1", 1);
    add("a2", "P1", "A", "A1", 2);
    add("a3", "P1", "A", "A2", 1);
    add("b1", "P1", "B", "B1", 1);
    add("c1", "P2", "C", "C1", 1);
    auto stored = StoreScu(files);
    ASSERT_EQ(stored.exit_code, 0) << stored.output;
  }

  // getscu (calling AE `aet`) with `args` (model and -k keys) into `out_dir`;
  // -v prints every response.
  ProcessResult GetScu(const std::string& out_dir, const std::vector<std::string>& args,
                       const std::string& aet = "VIEWER") const {
    std::vector<std::string> argv = {"getscu", "-v", "+B", "-aet", aet, "-aec", "PIXELDEX",
                                     "-od", out_dir};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(server_->port_string());
    return RunProcess(argv, FastClientEnv());
  }

  // movescu (calling AE MOVER) to `destination` with `args` (model and -k
  // keys) and `extra` options; -v prints every response.
  ProcessResult MoveScu(const std::string& destination, const std::vector<std::string>& args,
                        const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv = {"movescu", "-v", "-aet", "MOVER", "-aec", "PIXELDEX",
                                     "-aem", destination};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("127.0.0.1");
    argv.push_back(server_->port_string());
    return RunProcess(argv, FastClientEnv());
  }

  // The arguments for model `model` ("-P" or "-S") and `keys` ("Keyword=value").
  static std::vector<std::string> Keys(const std::string& model,
                                       const std::vector<std::string>& keys) {
    std::vector<std::string> args = {model};
    for (const auto& k : keys) args.insert(args.end(), {"-k", k});
    return args;
  }

  // Stores instance "rle" of a new study "R" in RLE Lossless (uid_ gets
  // both); returns the path of its uncompressed original. Failures are
  // recorded as test failures.
  std::string StoreRleInstance() {
    TestInstance t;
    t.sop_instance_uid = uid_["rle"] = UniqueUid("3.");
    t.study_uid = uid_["R"] = UniqueUid("1.");
    const std::string plain = MakeInstance(t, "plain.dcm");
    const std::string rle = dir_ / "rle.dcm";
    EXPECT_EQ(RunProcess({"dcmcrle", plain, rle}).exit_code, 0);
    EXPECT_EQ(StoreScu({rle}, {"-xr"}).exit_code, 0);
    return plain;
  }

  // A new empty directory below the test's temp dir.
  std::string NewDir(const std::string& name) const {
    const std::string path = dir_ / name;
    std::filesystem::create_directories(path);
    return path;
  }

  // pixeldex's stored file of an instance.
  std::string StoredFile(const std::string& name) const {
    return StoragePath(Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?",
                                      {uid_.at(name)}));
  }

  // `dir` holds exactly the instances `names`, each bit-identical to its
  // stored copy (no conversion was needed).
  void ExpectReceived(const std::string& dir, const std::set<std::string>& names) const {
    const auto received = InstancesIn(dir);
    std::set<std::string> expected_uids, received_uids;
    for (const auto& n : names) expected_uids.insert(uid_.at(n));
    for (const auto& [uid, path] : received) received_uids.insert(uid);
    EXPECT_EQ(received_uids, expected_uids);
    for (const auto& n : names) {
      auto it = received.find(uid_.at(n));
      if (it == received.end()) continue;
      EXPECT_EQ(DatasetBytes(it->second), DatasetBytes(StoredFile(n))) << n;
    }
  }

  std::map<std::string, std::string> uid_;
};

}  // namespace pixeldex::testing

#pragma once
// ServerTest: a GoogleTest fixture that starts the real pixeldex binary on a
// free port with a fresh archive in a temp dir, and offers DCMTK's clients
// and a read-only view of the index.

#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

// Options for a server whose archive (storage/, index.db) and log
// (server.log) live in `dir`.
inline ServerProcess::Options ArchiveIn(const TempDir& dir) {
  ServerProcess::Options options;
  options.storage = dir / "storage";
  options.index = dir / "index.db";
  options.log_file = dir / "server.log";
  return options;
}

// One C-ECHO by DCMTK's echoscu to `server`; its exit code is 0 on success.
inline ProcessResult EchoScu(const ServerProcess& server, const std::string& calling_aet,
                             const std::string& called_aet = "PIXELDEX") {
  return RunProcess({"echoscu", "-aet", calling_aet, "-aec", called_aet, "127.0.0.1",
                     server.port_string()},
                    FastClientEnv());
}

// `pixeldex <command> args...` on the archive ArchiveIn(dir) describes.
inline ProcessResult PixeldexOn(const TempDir& dir, const std::string& command,
                                const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv = {PIXELDEX_BINARY, command,   "--storage",
                                   dir / "storage", "--index", dir / "index.db"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

// DCMTK's findscu with `args` and keys against `server`, its responses
// written into the new folder `out`; returns each response identifier, in
// the order findscu wrote them.
inline std::vector<std::unique_ptr<DcmDataset>> FindScu(const ServerProcess& server,
                                                        const std::string& out,
                                                        const std::vector<std::string>& args,
                                                        ProcessResult* result = nullptr) {
  std::filesystem::create_directories(out);
  std::vector<std::string> argv = {"findscu",  "-aet", "VIEWER", "-aec",
                                   "PIXELDEX", "-X",   "-od",    out};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("127.0.0.1");
  argv.push_back(server.port_string());
  ProcessResult r = RunProcess(argv, FastClientEnv());
  if (result) *result = r;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<std::unique_ptr<DcmDataset>> responses;
  for (const auto& name : names) {
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(name.c_str()).good());
    responses.emplace_back(new DcmDataset(*file.getDataset()));
  }
  return responses;
}

// The values of `tag` in `responses` (multiple values joined by '\\').
inline std::set<std::string> ResponseValues(
    const std::vector<std::unique_ptr<DcmDataset>>& responses, const DcmTagKey& tag) {
  std::set<std::string> values;
  for (const auto& ds : responses) {
    OFString v;
    ds->findAndGetOFStringArray(tag, v);
    values.insert(v.c_str());
  }
  return values;
}

class ServerTest : public ::testing::Test {
 protected:
  // Extra `pixeldex serve` arguments for the fixture's server.
  virtual std::vector<std::string> ServerArgs() const { return {}; }
  // Extra environment variables for the fixture's server.
  virtual std::map<std::string, std::string> ServerEnv() const { return {}; }
  // True when ServerArgs() turn the TLS listener on (SetUp waits for it).
  virtual bool ServerSpeaksTls() const { return false; }
  // The index the fixture's server writes: its SQLite file (ArchiveIn), or
  // a postgresql:// URI.
  virtual std::string ServerIndex() const { return ArchiveIn(dir_).index; }

  void SetUp() override {
    ServerProcess::Options options = ArchiveIn(dir_);
    options.index = ServerIndex();
    options.extra_args = ServerArgs();
    options.env = ServerEnv();
    options.expect_tls = ServerSpeaksTls();
    server_ = ServerProcess::Start(options);
  }

  std::string StoragePath(const std::string& relative) const {
    return dir_ / ("storage/" + relative);
  }
  IndexProbe Index() const { return IndexProbe(dir_ / "index.db"); }

  // storescu <files> to the server; returns its result.
  ProcessResult StoreScu(const std::vector<std::string>& files,
                         const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv = {"storescu", "-aet", "MODALITY", "-aec", "PIXELDEX"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("127.0.0.1");
    argv.push_back(server_->port_string());
    argv.insert(argv.end(), files.begin(), files.end());
    return RunProcess(argv, FastClientEnv());
  }

  // Writes a test instance with fresh UIDs into the temp dir; returns its path.
  std::string MakeInstance(TestInstance instance, const std::string& name,
                           E_TransferSyntax xfer = EXS_LittleEndianExplicit) const {
    const std::string path = dir_ / name;
    WriteTestInstance(path, instance, xfer);
    return path;
  }
  // `count` instances of `instance`'s series, each with a fresh SOP Instance
  // UID, written as <prefix><i>.dcm; returns their paths.
  std::vector<std::string> MakeInstances(TestInstance instance, int count,
                                         const std::string& prefix) const {
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
      instance.sop_instance_uid = UniqueUid("3.");
      files.push_back(MakeInstance(instance, prefix + std::to_string(i) + ".dcm"));
    }
    return files;
  }

  // After an attack: a C-ECHO and a C-STORE (of a fresh instance) succeed.
  void ExpectStillServing() {
    auto echo = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()},
                           FastClientEnv());
    EXPECT_EQ(echo.exit_code, 0) << echo.output << server_->Log();
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    auto store = StoreScu({MakeInstance(t, "after" + std::to_string(++stores_) + ".dcm")});
    EXPECT_EQ(store.exit_code, 0) << store.output << server_->Log();
  }

  // Runs findscu with `args` and keys; returns each response identifier, in
  // the order findscu wrote them.
  std::vector<std::unique_ptr<DcmDataset>> Find(const std::vector<std::string>& args,
                                                ProcessResult* result = nullptr) {
    return FindScu(*server_, dir_ / ("responses" + std::to_string(++find_count_)), args, result);
  }

  static std::set<std::string> Values(const std::vector<std::unique_ptr<DcmDataset>>& responses,
                                      const DcmTagKey& tag) {
    return ResponseValues(responses, tag);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  int stores_ = 0;
  int find_count_ = 0;
};

}  // namespace pixeldex::testing

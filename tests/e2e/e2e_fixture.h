#pragma once
// ServerTest: a GoogleTest fixture that starts the real pixeldex binary on a
// free port with a fresh archive in a temp dir, and offers DCMTK's clients
// and a read-only view of the index.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

class ServerTest : public ::testing::Test {
 protected:
  // Extra `pixeldex serve` arguments for the fixture's server.
  virtual std::vector<std::string> ServerArgs() const { return {}; }
  // True when ServerArgs() turn the TLS listener on (SetUp waits for it).
  virtual bool ServerSpeaksTls() const { return false; }

  void SetUp() override {
    ServerProcess::Options options;
    options.storage = dir_ / "storage";
    options.index = dir_ / "index.db";
    options.log_file = dir_ / "server.log";
    options.extra_args = ServerArgs();
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

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  int stores_ = 0;
};

}  // namespace pixeldex::testing

// `pixeldex reconcile --node NODE` (issue 18), the real binary against a real
// PostgreSQL: the in-flight files a node that is gone left in
// .incoming/NODE/ are taken over from another machine's point of view (a
// journal entry whose pid happens to be alive here, a half-received file, the
// serving mark of a node that went down while serving), while the in-flight
// file of another node is left alone; and a node that is alive (a running
// `pixeldex serve`, or any process holding its lock) is refused and its
// files are not touched.

#include <gtest/gtest.h>
#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "catalog/index/postgres/pg_node_lock.h"
#include "catalog/storage/storage_layout.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using index::postgres::PgConnection;
using index::postgres::PgNodeLock;

class PgReconcileNodeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcess::Options options;
    options.storage = storage_;
    options.index = postgres_.Uri();
    options.log_file = dir_ / "server.log";
    server_ = ServerProcess::Start(options);  // walks the empty tree at its first start
  }
  void TearDown() override { server_.reset(); }  // before its database

  ProcessResult Reconcile(const std::string& node) const {
    return RunProcess({PIXELDEX_BINARY, "reconcile", "--storage", storage_, "--index",
                       postgres_.Uri(), "--node", node});
  }

  // A fresh instance written into the layout where the ingest pipeline puts
  // it; its SOP Instance UID.
  std::string InLayout(fs::path* file) const {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    *file = fs::path(storage_) / storage::StorageLayout(storage_).RelativePathFor(
                                     t.study_uid, t.series_uid, t.sop_instance_uid);
    fs::create_directories(file->parent_path());
    WriteTestInstance(*file, t);
    return t.sop_instance_uid;
  }

  // A second link in `node`'s incoming directory: the journal entry of a
  // committed file whose rows may be missing (file_store.h).
  fs::path JournalEntry(const std::string& node, const fs::path& file,
                        const std::string& name) const {
    const fs::path entry = fs::path(storage_) / ".incoming" / node / name;
    fs::create_directories(entry.parent_path());
    fs::create_hard_link(file, entry);
    return entry;
  }

  int64_t RowsOf(const std::string& sop_instance_uid) {
    auto conn = PgConnection::Open(postgres_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return -1;
    auto rows = conn->Exec("SELECT count(*) FROM instances WHERE sop_instance_uid = $1",
                           {index::postgres::PgParam::Text(sop_instance_uid)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? std::stoll(std::string(rows->Text(0, 0))) : -1;
  }

  TempDir dir_;
  std::string storage_ = dir_ / "storage";
  PostgresServer postgres_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PgReconcileNodeE2eTest, TakesOverTheFilesOfANodeThatIsGoneAndRefusesALiveOne) {
  // What node "old" left when its machine died while serving: one file
  // committed without rows (its entry named by pid 1, alive on this machine:
  // pids of another machine mean nothing here), one half received, its
  // serving mark, and one file lost to the power cut with no entry (so its
  // journal cannot be trusted: the tree is walked).
  fs::path committed, lost, other;
  const std::string committed_uid = InLayout(&committed);
  const fs::path entry = JournalEntry("old", committed, "1-77-0.part");
  const fs::path half = fs::path(storage_) / ".incoming" / "old" / "1-77-1.part";
  std::ofstream(half) << "half a data set";
  fs::create_directory(fs::path(storage_) / ".incoming" / "old" / ".serving-another-boot");
  const std::string lost_uid = InLayout(&lost);
  // Node "busy" has a store in flight: its file is its own.
  const std::string other_uid = InLayout(&other);
  const fs::path other_entry = JournalEntry("busy", other, "4242-9-0.part");

  // Alive: this machine's running server, and "old" while a process of it
  // holds its lock. Nothing is touched.
  char host[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(::gethostname(host, sizeof(host) - 1), 0);
  const ProcessResult self = Reconcile(host);
  EXPECT_EQ(self.exit_code, 1) << self.output;
  EXPECT_NE(self.output.find("is alive"), std::string::npos) << self.output;
  {
    auto held = PgNodeLock::Share(postgres_.Uri(), "old");
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    const ProcessResult alive = Reconcile("old");
    EXPECT_EQ(alive.exit_code, 1) << alive.output;
    EXPECT_NE(alive.output.find("the node 'old' is alive"), std::string::npos) << alive.output;
    EXPECT_EQ(alive.output.find(postgres_.password()), std::string::npos) << alive.output;
  }
  EXPECT_TRUE(fs::exists(entry));
  EXPECT_TRUE(fs::exists(half));
  EXPECT_EQ(RowsOf(committed_uid), 0);

  // Gone: taken over.
  const ProcessResult taken = Reconcile("old");
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  EXPECT_NE(taken.output.find("node old: 1 in-flight file(s); 2 cataloged"), std::string::npos)
      << taken.output;
  EXPECT_NE(taken.output.find("the tree was walked"), std::string::npos) << taken.output;
  EXPECT_EQ(RowsOf(committed_uid), 1);
  EXPECT_EQ(RowsOf(lost_uid), 1);
  EXPECT_FALSE(fs::exists(fs::path(storage_) / ".incoming" / "old"));  // emptied, removed
  EXPECT_TRUE(fs::exists(committed));
  // The other node's in-flight file: neither cataloged nor touched.
  EXPECT_EQ(RowsOf(other_uid), 0);
  EXPECT_TRUE(fs::exists(other_entry));
  EXPECT_TRUE(fs::exists(other));

  // Again: nothing left to do. A SQLite index has one node: refused.
  const ProcessResult again = Reconcile("old");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("node old: 0 in-flight file(s)"), std::string::npos)
      << again.output;
  const ProcessResult sqlite = RunProcess({PIXELDEX_BINARY, "reconcile", "--storage", storage_,
                                           "--index", dir_ / "index.db", "--node", "old"});
  EXPECT_EQ(sqlite.exit_code, 1) << sqlite.output;
  const ProcessResult no_node =
      RunProcess({PIXELDEX_BINARY, "reconcile", "--storage", storage_, "--index", postgres_.Uri()});
  EXPECT_EQ(no_node.exit_code, 2) << no_node.output;
}

}  // namespace
}  // namespace pixeldex::testing

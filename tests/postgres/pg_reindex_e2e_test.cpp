// `pixeldex reindex` on a PostgreSQL index (issue 18), the real binary
// against a real PostgreSQL, beside running servers: the same damage done to
// a SQLite-indexed and a PostgreSQL-indexed archive holding the same
// instances (two_backend_test.h) is reported and repaired the same (the
// summary and the rows after it, and after --accept-changed), and a reindex
// while a sender stores through the PostgreSQL node loses no instance.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "tests/postgres/two_backend_test.h"
#include "tests/support/index_probe.h"
#include "tests/support/process.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using index::postgres::PgConnection;

// Each instance's UID, stored path, content and a header value that an edit
// changes, as one text per row (the same SQL on both databases).
constexpr const char* kRowsSql =
    "SELECT sop_instance_uid || '|' || path || '|' || sha256 || '|' || size_bytes || '|' || "
    "coalesce(series_description, '') FROM instance_details";

class PgReindexE2eTest : public TwoBackendTest {
 protected:
  struct Archive {
    std::string storage;
    std::string index;
  };
  Archive Sqlite() const { return {dir_ / "sqlite-storage", dir_ / "index.db"}; }
  Archive Postgres() const { return {dir_ / "pg-storage", postgres_.Uri()}; }

  ProcessResult Pixeldex(const Archive& archive, const std::string& command,
                         const std::vector<std::string>& args = {}) const {
    std::vector<std::string> argv = {PIXELDEX_BINARY, command, "--storage", archive.storage,
                                     "--index", archive.index};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  std::set<std::string> Rows(const Archive& archive) {
    std::set<std::string> rows;
    if (archive.index == postgres_.Uri()) {
      auto conn = PgConnection::Open(postgres_.Uri());
      EXPECT_TRUE(conn.ok()) << conn.status().ToString();
      if (!conn.ok()) return rows;
      auto result = conn->Exec(kRowsSql);
      EXPECT_TRUE(result.ok()) << result.status().ToString();
      for (int r = 0; result.ok() && r < result->rows(); ++r) rows.emplace(result->Text(r, 0));
      return rows;
    }
    for (const Row& row : IndexProbe(archive.index).Rows(kRowsSql)) rows.insert(row.at(0));
    return rows;
  }

  // The stored path of an instance, relative to the root (one database
  // suffices: both archives lay their files out the same).
  std::string PathOf(const std::string& sop_instance_uid) const {
    return IndexProbe(dir_ / "index.db")
        .Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?1", {sop_instance_uid});
  }

  // The same damage to `archive`: the file of instance 0 gone, instance 1's
  // file edited in place, a stray file that is not DICOM, and a DICOM file
  // put into the tree by hand (no row).
  void Damage(const Archive& archive) {
    fs::remove(fs::path(archive.storage) / PathOf(instance_uids_[0]));
    TestInstance edited;
    edited.sop_instance_uid = instance_uids_[1];
    edited.series_description = "edited behind the index's back";
    WriteTestInstance(fs::path(archive.storage) / PathOf(instance_uids_[1]), edited);
    std::ofstream(fs::path(archive.storage) / "stray.bin") << "not cataloged";
    TestInstance by_hand;  // of a series of its own: the edit's series description stays
    by_hand.study_uid = by_hand_study_uid_;
    by_hand.series_uid = by_hand_series_uid_;
    by_hand.sop_instance_uid = by_hand_uid_;
    fs::create_directories(fs::path(archive.storage) / "by-hand");
    WriteTestInstance(fs::path(archive.storage) / "by-hand" / "one.dcm", by_hand);
  }

  // The summary without its first line (which has the time taken).
  static std::string Summary(const std::string& output) {
    std::istringstream in(output);
    std::string line, summary;
    while (std::getline(in, line)) {
      if (line.starts_with("  ") || line.starts_with("rows:")) summary += line + "\n";
    }
    return summary;
  }

  std::string by_hand_study_uid_ = UniqueUid("1.");
  std::string by_hand_series_uid_ = UniqueUid("2.");
  std::string by_hand_uid_ = UniqueUid("3.");
};

TEST_F(PgReindexE2eTest, RepairsTheDamageAsOnSqliteBesideARunningServer) {
  for (const Archive& archive : {Sqlite(), Postgres()}) Damage(archive);

  const ProcessResult sqlite = Pixeldex(Sqlite(), "reindex");
  const ProcessResult pg = Pixeldex(Postgres(), "reindex");
  EXPECT_EQ(sqlite.exit_code, 1) << sqlite.output;  // the edited file is corrupt
  EXPECT_EQ(pg.exit_code, 1) << pg.output;
  EXPECT_EQ(pg.output.find(postgres_.password()), std::string::npos) << pg.output;
  EXPECT_NE(Summary(pg.output).find("\n  corrupt                    1\n"), std::string::npos)
      << pg.output;
  EXPECT_NE(pg.output.find("1 removed (file missing)"), std::string::npos) << pg.output;
  EXPECT_NE(pg.output.find("missing " + instance_uids_[0]), std::string::npos) << pg.output;
  EXPECT_EQ(Summary(pg.output), Summary(sqlite.output)) << pg.output << "\n" << sqlite.output;
  const std::set<std::string> pg_rows = Rows(Postgres());
  EXPECT_EQ(pg_rows, Rows(Sqlite()));
  EXPECT_EQ(pg_rows.size(), instance_uids_.size());  // one removed, one new by hand
  EXPECT_EQ(IndexProbe(dir_ / "index.db")
                .Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?1",
                       {by_hand_uid_}),
            1);

  // A person accepts the edited file, on both.
  const ProcessResult sqlite_accepted = Pixeldex(Sqlite(), "reindex", {"--accept-changed"});
  const ProcessResult pg_accepted = Pixeldex(Postgres(), "reindex", {"--accept-changed"});
  EXPECT_EQ(pg_accepted.exit_code, 0) << pg_accepted.output;
  EXPECT_EQ(Summary(pg_accepted.output), Summary(sqlite_accepted.output)) << pg_accepted.output;
  EXPECT_EQ(Rows(Postgres()), Rows(Sqlite()));
  bool edited_cataloged = false;
  for (const std::string& row : Rows(Postgres())) {
    edited_cataloged |= row.ends_with("|edited behind the index's back");
  }
  EXPECT_TRUE(edited_cataloged);
  const ProcessResult check = Pixeldex(Postgres(), "check");
  EXPECT_EQ(check.exit_code, 0) << check.output;  // the stray file alone: a warning
  EXPECT_NE(check.output.find("files and index agree, 1 warning(s)"), std::string::npos)
      << check.output;
}

TEST_F(PgReindexE2eTest, ReindexWhileANodeStoresLosesNothing) {
  std::vector<std::string> files;
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  for (int i = 0; i < 40; ++i) {
    t.sop_instance_uid = UniqueUid("3.");
    t.instance_number = i + 1;
    files.push_back(dir_ / ("more" + std::to_string(i) + ".dcm"));
    WriteTestInstance(files.back(), t);
  }
  std::vector<std::string> argv = {"storescu", "-aet",      "MODALITY",
                                   "-aec",     "PIXELDEX",  "127.0.0.1",
                                   postgres_server_->port_string()};
  argv.insert(argv.end(), files.begin(), files.end());
  ProcessResult sent;
  std::atomic<bool> sending{true};
  std::thread sender([&] {
    sent = RunProcess(argv, FastClientEnv());
    sending.store(false);
  });
  int reindexes = 0;
  do {  // reindex again and again for as long as the node is storing
    const ProcessResult r = Pixeldex(Postgres(), "reindex", {"--jobs", "2"});
    ++reindexes;
    // The one failure allowed: a file whose rows lost a transaction conflict
    // with the node's three times (index_writer.h; as between two nodes).
    if (r.exit_code != 0) {
      EXPECT_NE(r.output.find("lost a transaction conflict"), std::string::npos) << r.output;
    }
  } while (sending.load());
  sender.join();
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  RecordProperty("reindexes_while_storing", reindexes);
  const ProcessResult after = Pixeldex(Postgres(), "reindex");
  EXPECT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(Rows(Postgres()).size(), instance_uids_.size() + files.size());
  const ProcessResult check = Pixeldex(Postgres(), "check");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("files and index agree"), std::string::npos) << check.output;
}

}  // namespace
}  // namespace pixeldex::testing

// `pixeldex serve --index postgresql://...` against a real PostgreSQL, with
// DCMTK's storescu and the test C-STORE sender: the rows and values a store
// leaves are read back through libpq; the password never reaches the log;
// and PostgreSQL stopped and started again in the middle of an ingest:
// stores answer a failure status meanwhile (A700), the server reconnects by
// itself, and every acknowledged instance is in the index exactly once;
// /healthz follows PostgreSQL's availability.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/index/postgres/pg_connection.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/http_client.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/server_process.h"
#include "tests/support/store_sender.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

using index::postgres::PgConnection;
using index::postgres::PgParam;

class PgServeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcess::Options options;
    options.storage = dir_ / "storage";
    options.index = postgres_.Uri();
    options.log_file = dir_ / "server.log";
    options.extra_args = {"--http", "127.0.0.1:0"};
    server_ = ServerProcess::Start(options);
  }

  PgConnection Connect() {
    auto conn = PgConnection::Open(postgres_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  std::vector<std::string> Column(PgConnection& conn, const std::string& sql,
                                  std::initializer_list<PgParam> params = {}) {
    auto rows = conn.Exec(sql, params);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    std::vector<std::string> out;
    for (int r = 0; rows.ok() && r < rows->rows(); ++r) {
      out.emplace_back(rows->Text(r, 0));
    }
    return out;
  }

  // `count` instances of one series, with fresh SOP Instance UIDs.
  std::vector<SentFile> MakeFiles(int count, const std::string& prefix) {
    TestInstance t;
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    std::vector<SentFile> files;
    for (int i = 0; i < count; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      t.instance_number = i + 1;
      const std::string path = dir_ / (prefix + std::to_string(i) + ".dcm");
      WriteTestInstance(path, t);
      files.push_back({path, t.sop_class_uid, t.sop_instance_uid});
    }
    return files;
  }

  TempDir dir_;
  PostgresServer postgres_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PgServeE2eTest, StorescuInstancesAreRowsInPostgresql) {
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  t.patient_id = "PG-42";
  t.patient_name = "Curie^Marie";
  t.accession_number = "A-777";
  t.modality = "MR";
  std::vector<std::string> files;
  std::vector<std::string> uids;
  for (int i = 0; i < 3; ++i) {
    t.sop_instance_uid = UniqueUid("3.");
    uids.push_back(t.sop_instance_uid);
    files.push_back(dir_ / ("s" + std::to_string(i) + ".dcm"));
    WriteTestInstance(files.back(), t);
  }
  std::vector<std::string> argv = {"storescu", "-aet", "MODALITY", "-aec", "PIXELDEX",
                                   "127.0.0.1", server_->port_string()};
  argv.insert(argv.end(), files.begin(), files.end());
  const ProcessResult r = RunProcess(argv, FastClientEnv());
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();

  PgConnection conn = Connect();
  auto rows = conn.Exec(
      "SELECT patient_id, patient_name, accession_number, modality, rows, calling_aet, source, "
      "path FROM instance_details WHERE sop_instance_uid = $1",
      {PgParam::Text(uids[0])});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 1);
  EXPECT_EQ(rows->Text(0, 0), "PG-42");
  EXPECT_EQ(rows->Text(0, 1), "Curie^Marie");
  EXPECT_EQ(rows->Text(0, 2), "A-777");
  EXPECT_EQ(rows->Text(0, 3), "MR");
  EXPECT_EQ(rows->Text(0, 4), "16");
  EXPECT_EQ(rows->Text(0, 5), "MODALITY");
  EXPECT_EQ(rows->Text(0, 6), "network");
  EXPECT_TRUE(std::filesystem::exists(dir_ / ("storage/" + std::string(rows->Text(0, 7)))));
  // The header is jsonb, queryable with PostgreSQL's operators.
  EXPECT_EQ(Column(conn,
                   "SELECT count(*) FROM headers WHERE json @> "
                   "jsonb_build_object('00100020', jsonb_build_object('Value', "
                   "jsonb_build_array($1::text)))",
                   {PgParam::Text("PG-42")}),
            std::vector<std::string>{"3"});
  EXPECT_EQ(Column(conn, "SELECT number_of_instances FROM studies WHERE study_instance_uid = $1",
                   {PgParam::Text(t.study_uid)}),
            std::vector<std::string>{"3"});
  EXPECT_EQ(Column(conn, "SELECT count(*) FROM thumbnails WHERE png IS NOT NULL"),
            std::vector<std::string>{"3"});
  EXPECT_EQ(server_->Log().find(postgres_.password()), std::string::npos) << server_->Log();
}

// /healthz reads the PostgreSQL index: 200 while it can, 503 naming the
// index while PostgreSQL is stopped, 200 again once it is back (the pooled
// connection is made again).
TEST_F(PgServeE2eTest, HealthzSaysWhetherPostgresqlCanBeRead) {
  const HttpReply up = HttpRequest(server_->http_port(), "GET", "/healthz");
  EXPECT_EQ(up.status, 200) << up.body << server_->Log();
  postgres_.Stop();
  const HttpReply down = HttpRequest(server_->http_port(), "GET", "/healthz");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.body.rfind("index: ", 0), 0u) << down.body;
  EXPECT_EQ(down.body.find(postgres_.password()), std::string::npos) << down.body;
  postgres_.Start();
  const HttpReply again = HttpRequest(server_->http_port(), "GET", "/healthz");
  EXPECT_EQ(again.status, 200) << again.body << server_->Log();
}

TEST_F(PgServeE2eTest, EveryAcknowledgedInstanceIsThereOnceAfterPostgresqlRestarts) {
  const std::vector<SentFile> files = MakeFiles(40, "r");
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> acknowledged;
  int failures = 0;
  bool stopped = false;
  bool restarted = false;
  std::string first_error;
  std::string last_error;

  std::thread sender([&] {
    StoreSender store("MODALITY", server_->port());
    size_t next = 0;
    // Bounded: a server that never recovers fails the test, not hangs it.
    for (int attempt = 0; next < files.size() && attempt < 20; ++attempt) {
      const std::vector<SentFile> rest(files.begin() + static_cast<std::ptrdiff_t>(next),
                                       files.end());
      next += store.Send(rest, [&](const std::string& uid) {
        std::unique_lock lock(mutex);
        acknowledged.insert(uid);
        changed.notify_all();
        // The tenth waits, its association open, until PostgreSQL is down.
        if (acknowledged.size() == 10) changed.wait(lock, [&] { return stopped; });
      });
      if (next == files.size()) break;
      std::unique_lock lock(mutex);
      ++failures;
      last_error = store.last_error();
      if (first_error.empty()) first_error = last_error;
      changed.notify_all();
      // While PostgreSQL is down every store fails: wait for the restart.
      changed.wait(lock, [&] { return restarted; });
    }
  });

  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return acknowledged.size() >= 10; });
  }
  postgres_.Stop();
  {
    std::unique_lock lock(mutex);
    stopped = true;
    changed.notify_all();
    changed.wait(lock, [&] { return failures > 0; });
  }
  postgres_.Start();
  {
    std::lock_guard lock(mutex);
    restarted = true;
  }
  changed.notify_all();
  sender.join();

  // PS3.4 C.4.2.3 / Table B.2-1: A700 Refused: Out of Resources.
  EXPECT_NE(first_error.find("status a700"), std::string::npos)
      << first_error << "\n" << server_->Log();
  EXPECT_TRUE(server_->WaitForLog("database unavailable")) << server_->Log();
  ASSERT_EQ(acknowledged.size(), files.size()) << last_error << "\n" << server_->Log();
  PgConnection conn = Connect();
  EXPECT_EQ(Column(conn, "SELECT count(*) FROM instances"),
            std::vector<std::string>{std::to_string(files.size())});
  EXPECT_TRUE(Column(conn, "SELECT sop_instance_uid FROM instances GROUP BY 1 HAVING count(*) > 1")
                  .empty());
  const std::vector<std::string> stored = Column(conn, "SELECT sop_instance_uid FROM instances");
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), acknowledged);
  for (const std::string& path : Column(conn, "SELECT path FROM instances")) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / ("storage/" + path))) << path;
  }
  EXPECT_EQ(server_->Log().find(postgres_.password()), std::string::npos) << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing

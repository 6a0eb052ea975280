// The index writer over PostgreSQL (PgIndexBackend) against a real server:
// the same records written through SQLite and PostgreSQL leave the same rows
// (replacement, anonymous patients, removal with its empty parents, history);
// the header is jsonb and the thumbnail bytea byte for byte; a server that
// goes away fails writes with "database unavailable", and the writer works
// again by itself once the server is back. The lock of one SOP Instance
// UID (LockInstance) makes a second writer of the same database wait until
// the first releases it, and no other UID's lock; the recycling lock
// (LockRecycling) lets one pass run at a time, skipped or waited for; a
// delete waits for another process holding the instance's lock.
// Protections are one row per study, the first reason kept. A job aborted by a
// deadlock with another transaction passes in a new one. A replacing store
// and a removal take their row locks in the global order, as every write.
#include "catalog/index/postgres/pg_index_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "catalog/index/index_writer.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/reconcile/instance_deleter.h"
#include "catalog/storage/file_system.h"
#include "catalog/storage/storage_layout.h"
#include "tests/support/postgres_server.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index::postgres {
namespace {

using testing::PostgresServer;

// Thumbnail bytes PostgreSQL text could not hold: a NUL and a high byte.
InstanceRecord Record(const std::string& sop, const std::string& series,
                      const std::string& study, const std::string& patient) {
  InstanceRecord r = testing::SampleRecord(sop, series, study, patient);
  r.thumbnail->png = std::string("PNG\0\xff", 5);
  return r;
}

// What both backends are given, in order.
void WriteTheSameHistory(IndexWriter& writer) {
  ASSERT_TRUE(writer.Write(Record("1.1", "1.2", "1.3", "P1")).ok());
  ASSERT_TRUE(writer.Write(Record("2.1", "2.2", "2.3", "P2")).ok());
  // Anonymous patients (PS3.3 C.7.1.1): one per study.
  ASSERT_TRUE(writer.Write(Record("3.1", "3.2", "3.3", "")).ok());
  ASSERT_TRUE(writer.Write(Record("3.4", "3.2", "3.3", "")).ok());
  ASSERT_TRUE(writer.Write(Record("4.1", "4.2", "4.3", "")).ok());
  // The same SOP Instance UID again, now in another series and patient:
  // replaced, and the old series, study and patient go.
  InstanceRecord moved = Record("2.1", "5.2", "5.3", "P5");
  moved.file.relative_path = "moved.dcm";
  auto replaced = writer.Write(moved);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_TRUE(replaced->replaced);
  EXPECT_EQ(replaced->replaced_path, "2.3/2.2/2.1.dcm");
  // A value the later instance lacks is kept (the upsert's coalesce).
  InstanceRecord without_date = Record("1.4", "1.2", "1.3", "P1");
  without_date.study.study_date.clear();
  without_date.thumbnail = ThumbnailRecord{ThumbnailStatus::kDecodeError, "bad pixels", 0, 0, {}};
  ASSERT_TRUE(writer.Write(without_date).ok());
  ASSERT_TRUE(writer.Remove("4.1").ok());
  EXPECT_EQ(writer.Remove("4.1").code(), Status::Code::kNotFound);
  ASSERT_TRUE(writer.Record(EventRecord{EventKind::kDuplicateReplaced, "2.1", "MODALITY", 0,
                                        "previous copy"})
                  .ok());
}

// Rows both backends can be read with, in a stable order and text form.
const char* const kComparedQueries[] = {
    "SELECT sop_instance_uid, series_instance_uid, study_instance_uid, patient_id, "
    "patient_name, study_date, modality, series_number, rows, path, source, calling_aet "
    "FROM instance_details ORDER BY sop_instance_uid",
    "SELECT count(*) FROM patients",
    "SELECT count(*) FROM studies",
    "SELECT count(*) FROM series",
    "SELECT study_instance_uid, number_of_series, number_of_instances "
    "FROM studies ORDER BY study_instance_uid",
    // Each study's copy of its patient's identity (patient_identity.h).
    "SELECT st.study_instance_uid, st.patient_id, st.issuer_of_patient_id, p.patient_id, "
    "p.issuer_of_patient_id FROM studies st JOIN patients p USING (patient_pk) ORDER BY 1",
    "SELECT i.sop_instance_uid, t.status, t.width, t.height FROM thumbnails t "
    "JOIN instances i USING (instance_pk) ORDER BY 1",
    "SELECT kind, sop_instance_uid, calling_aet, status_code, detail FROM events",
};

std::vector<std::vector<std::string>> SqliteRows(const std::string& path, const char* sql) {
  auto db = Db::Open(path, Db::Mode::kReadOnly);
  EXPECT_TRUE(db.ok());
  auto stmt = db->Prepare(sql);
  EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().ToString();
  std::vector<std::vector<std::string>> out;
  while (stmt->Step()) {
    std::vector<std::string> row;
    for (int c = 0; c < stmt->ColumnCount(); ++c) {
      row.push_back(stmt->IsNull(c) ? "NULL" : stmt->Text(c));
    }
    out.push_back(row);
  }
  return out;
}

std::vector<std::vector<std::string>> PostgresRows(PgConnection& conn, const char* sql) {
  auto rows = conn.Exec(sql);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  std::vector<std::vector<std::string>> out;
  for (int r = 0; rows.ok() && r < rows->rows(); ++r) {
    std::vector<std::string> row;
    for (int c = 0; c < rows->columns(); ++c) {
      row.push_back(rows->IsNull(r, c) ? "NULL" : std::string(rows->Text(r, c)));
    }
    out.push_back(row);
  }
  return out;
}

class PgIndexBackendE2eTest : public ::testing::Test {
 protected:
  std::unique_ptr<IndexWriter> OpenWriter() {
    auto backend = PgIndexBackend::Open(server_.Uri());
    EXPECT_TRUE(backend.ok()) << backend.status().ToString();
    if (!backend.ok()) return nullptr;
    return IndexWriter::Start(std::move(backend).value());
  }
  PgConnection Connect() {
    auto conn = PgConnection::Open(server_.Uri());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return std::move(conn).value();
  }

  PostgresServer server_;
};

TEST_F(PgIndexBackendE2eTest, LeavesTheSameRowsAsTheSqliteIndex) {
  testing::TempDir dir;
  const std::string sqlite_path = dir / "index.db";
  {
    auto sqlite = IndexWriter::Open(sqlite_path);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
    WriteTheSameHistory(**sqlite);
  }
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  WriteTheSameHistory(*writer);
  PgConnection conn = Connect();
  for (const char* sql : kComparedQueries) {
    const auto expected = SqliteRows(sqlite_path, sql);
    ASSERT_FALSE(expected.empty()) << sql;
    EXPECT_EQ(PostgresRows(conn, sql), expected) << sql;
  }
  EXPECT_EQ(PostgresRows(conn, "SELECT count(*) FROM instances")[0][0], "5");
}

TEST_F(PgIndexBackendE2eTest, KeepsTheHeaderAsJsonbAndTheThumbnailByteForByte) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  const InstanceRecord record = Record("1.1", "1.2", "1.3", "P1");
  ASSERT_TRUE(writer->Write(record).ok());
  PgConnection conn = Connect();
  auto rows = conn.Exec(
      "SELECT h.json -> '00080018' -> 'Value' ->> 0, jsonb_typeof(h.json), t.png "
      "FROM instances i JOIN headers h USING (instance_pk) JOIN thumbnails t USING (instance_pk) "
      "WHERE i.sop_instance_uid = $1",
      {PgParam::Text("1.1")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows(), 1);
  EXPECT_EQ(rows->Text(0, 0), "1.1");
  EXPECT_EQ(rows->Text(0, 1), "object");
  EXPECT_EQ(*rows->Bytes(0, 2), record.thumbnail->png);
  auto copy = writer->FindCopy("1.1");
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  ASSERT_TRUE(copy->has_value());
  EXPECT_EQ((*copy)->path, record.file.relative_path);
  EXPECT_EQ((*copy)->provenance.calling_aet, "MODALITY");
}

// jsonb refuses \u0000 (SQLSTATE 22P05); a NUL in a header value must not
// fail the store. An escaped backslash before "u0000" is text and stays.
TEST_F(PgIndexBackendE2eTest, AHeaderWithANulInAValueIsStoredWithUFFFD) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  InstanceRecord record = Record("1.1", "1.2", "1.3", "P1");
  record.header_json = R"({"00081030":{"vr":"LO","Value":["A\u0000B"]},)"
                       R"("00204000":{"vr":"LT","Value":["C\\u0000"]}})";
  auto written = writer->Write(record);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  PgConnection conn = Connect();
  EXPECT_EQ(PostgresRows(conn, "SELECT json -> '00081030' -> 'Value' ->> 0, "
                               "json -> '00204000' -> 'Value' ->> 0 FROM headers"),
            (std::vector<std::vector<std::string>>{{"A\xEF\xBF\xBD" "B", "C\\u0000"}}));
}

TEST_F(PgIndexBackendE2eTest, FailsWhileTheServerIsAwayAndWorksAgainWhenItIsBack) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write(Record("1.1", "1.2", "1.3", "P1")).ok());
  server_.Stop();
  auto away = writer->Write(Record("2.1", "1.2", "1.3", "P1"));
  ASSERT_FALSE(away.ok());
  EXPECT_EQ(away.status().code(), Status::Code::kIoError);
  EXPECT_NE(away.status().message().find("database unavailable"), std::string::npos)
      << away.status().message();
  EXPECT_EQ(away.status().message().find(server_.password()), std::string::npos);
  server_.Start();
  // The first write after the restart meets the dead connection at BEGIN,
  // which is tried again on a new one: no failure is left for the sender.
  auto back = writer->Write(Record("3.1", "1.2", "1.3", "P1"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  PgConnection conn = Connect();
  EXPECT_EQ(PostgresRows(conn, "SELECT sop_instance_uid FROM instances ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"1.1"}, {"3.1"}}));
}

// The lock requests of the database of one type that wait (pg_locks):
// 'advisory', or 'transactionid' for a row locked by another transaction.
int64_t WaitingLocks(PgConnection& conn, const std::string& locktype) {
  auto rows = conn.Exec("SELECT count(*) FROM pg_locks WHERE locktype = $1 AND NOT granted",
                        {PgParam::Text(locktype)});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, 0).value() : -1;
}

// Runs `wait` on a thread of its own: it must wait for an advisory lock in
// the database (seen through `observer`), and not finish, until `release`
// runs (`while_waiting` checks what must hold meanwhile); then it finishes.
void ExpectWaitsForRelease(PgConnection& observer, const std::function<void()>& wait,
                           const std::function<void()>& while_waiting,
                           const std::function<void()>& release) {
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    wait();
    finished.store(true);
  });
  while (WaitingLocks(observer, "advisory") < 1) std::this_thread::yield();
  EXPECT_FALSE(finished.load());
  while_waiting();
  release();
  waiter.join();
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(WaitingLocks(observer, "advisory"), 0);
}

TEST_F(PgIndexBackendE2eTest, AnInstanceLockMakesAnotherProcessWaitForTheSameUidOnly) {
  // Two writers of one database, as two nodes have.
  auto node_a = OpenWriter();
  auto node_b = OpenWriter();
  ASSERT_NE(node_a, nullptr);
  ASSERT_NE(node_b, nullptr);
  auto held = node_a->LockInstance("1.2.3");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_NE(*held, nullptr);
  // Another UID is not held up.
  auto other = node_b->LockInstance("1.2.4");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  other->reset();

  PgConnection observer = Connect();
  // B waits in the database until A's store is done.
  ExpectWaitsForRelease(
      observer,
      [&] {
        auto lock = node_b->LockInstance("1.2.3");
        EXPECT_TRUE(lock.ok()) << lock.status().ToString();
      },
      [] {}, [&] { held->reset(); });
}

TEST_F(PgIndexBackendE2eTest, ADeleteWaitsForAnotherProcessHoldingTheInstance) {
  // A stored instance: its rows, and its file below a storage root.
  testing::TempDir root;
  const storage::StorageLayout layout(root.path(), "");
  auto node_a = OpenWriter();
  auto node_b = OpenWriter();
  ASSERT_NE(node_a, nullptr);
  ASSERT_NE(node_b, nullptr);
  const InstanceRecord record = Record("1.2.3", "1.2.2", "1.2.1", "P1");
  ASSERT_TRUE(node_a->Write(record).ok());
  const std::filesystem::path file = layout.root() / record.file.relative_path;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "DICM";
  // B stores the same UID (the ingest pipeline holds this lock meanwhile).
  auto store = node_b->LockInstance("1.2.3");
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  PgConnection observer = Connect();
  ExpectWaitsForRelease(
      observer,
      [&] {
        const Status deleted = reconcile::DeleteInstance(
            storage::RealFileSystem(), layout, *node_a, {"1.2.3"}, "user tester: a test");
        EXPECT_TRUE(deleted.ok()) << deleted.ToString();
      },
      [&] {
        // A's delete waits in the database and has touched nothing yet.
        EXPECT_TRUE(std::filesystem::exists(file));
        EXPECT_EQ(PostgresRows(observer, "SELECT count(*) FROM instances"),
                  (std::vector<std::vector<std::string>>{{"1"}}));
      },
      [&] { store->reset(); });  // B's store is done
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(PostgresRows(observer, "SELECT count(*) FROM instances"),
            (std::vector<std::vector<std::string>>{{"0"}}));
  EXPECT_EQ(PostgresRows(observer, "SELECT detail FROM events WHERE kind = 'deleted'"),
            (std::vector<std::vector<std::string>>{{"user tester: a test"}}));
}

TEST_F(PgIndexBackendE2eTest, OneRecyclingPassAtATimeAcrossProcesses) {
  auto node_a = OpenWriter();
  auto node_b = OpenWriter();
  ASSERT_NE(node_a, nullptr);
  ASSERT_NE(node_b, nullptr);
  auto held = node_a->LockRecycling(false);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(held->has_value());
  ASSERT_NE(**held, nullptr);
  // B's timer round is skipped while A's pass runs, and neither holds an
  // instance's lock by it.
  auto skipped = node_b->LockRecycling(false);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_FALSE(skipped->has_value());
  auto instance = node_b->LockInstance("1.2.3");
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  instance->reset();

  // A pass that must run waits for A's, in the database; its turn ends with
  // its lock.
  PgConnection observer = Connect();
  ExpectWaitsForRelease(
      observer,
      [&] {
        auto turn = node_b->LockRecycling(true);
        EXPECT_TRUE(turn.ok() && turn->has_value()) << turn.status().ToString();
      },
      [] {}, [&] { held->reset(); });
  auto again = node_a->LockRecycling(false);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->has_value()) << "B's turn ended with its lock";
}

TEST_F(PgIndexBackendE2eTest, ProtectionsAreOneRowPerStudyKeepingTheFirstReason) {
  auto writer = OpenWriter();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Protect("1.2.3", "court case").ok());
  ASSERT_TRUE(writer->Protect("1.2.3", "again").ok());
  ASSERT_TRUE(writer->Protect("1.2.4", "").ok());
  PgConnection conn = Connect();
  EXPECT_EQ(PostgresRows(conn, "SELECT study_instance_uid, reason FROM protected_studies "
                               "ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"1.2.3", "court case"}, {"1.2.4", "NULL"}}));
  ASSERT_TRUE(writer->Unprotect("1.2.3").ok());
  EXPECT_EQ(PostgresRows(conn, "SELECT study_instance_uid FROM protected_studies"),
            (std::vector<std::vector<std::string>>{{"1.2.4"}}));
}

// Two transactions that lock the same patient and study rows in opposite
// orders deadlock; PostgreSQL aborts one with 40P01 (documentation 13.3.4
// "Deadlocks"): the one whose deadlock_timeout runs out first, here the
// writer's (3 s, the other session's 60 s, so that the other is surely
// waiting by then). The writer's job is undone, and it runs again in a new
// transaction once the other has committed: the write succeeds.
TEST_F(PgIndexBackendE2eTest, AJobAbortedByADeadlockPassesInANewTransaction) {
  PgConnection other = Connect();
  ASSERT_TRUE(other.Exec("ALTER ROLE CURRENT_USER SET deadlock_timeout = '3s'").ok());
  auto writer = OpenWriter();  // its session takes the role's setting
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Write(Record("1.1", "1.2", "1.3", "P1")).ok());
  ASSERT_TRUE(other.Exec("SET deadlock_timeout = '60s'").ok());
  ASSERT_TRUE(other.Exec("BEGIN").ok());
  ASSERT_TRUE(other.Exec("SELECT 1 FROM studies WHERE study_instance_uid = '1.3' FOR UPDATE").ok());

  Result<WriteOutcome> written = Status::Internal("not written");
  std::thread store([&] { written = writer->Write(Record("1.4", "1.2", "1.3", "P1")); });
  // The writer has upserted (so locked) patient P1 and waits for study 1.3.
  PgConnection observer = Connect();
  while (WaitingLocks(observer, "transactionid") < 1) std::this_thread::yield();
  // Now this session waits for P1: a deadlock, which the writer's session
  // detects first; its job's savepoint is rolled back, which frees P1.
  auto patient = other.Exec("SELECT 1 FROM patients WHERE patient_id = 'P1' FOR UPDATE");
  EXPECT_TRUE(patient.ok()) << "the other session, not the writer, was aborted: "
                            << patient.status().ToString();
  ASSERT_TRUE(other.Exec("COMMIT").ok());
  store.join();
  EXPECT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(PostgresRows(observer, "SELECT sop_instance_uid FROM instances ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"1.1"}, {"1.4"}}));
}

// A job's row locks, in the global lock order (lock_order.h): after the
// writer has stored `stored`, another session holds the row `first` selects,
// the first the job locks, as another node's batch holds a patient it
// upserted. The job must wait for that row having locked none of the
// others, so the other session then takes each row `rest` selects at once,
// as that batch's next jobs would: NOWAIT fails instead of waiting on a row
// the writer holds (SQL command reference, SELECT, "The Locking Clause"),
// where two nodes would deadlock (documentation 13.3.4 "Deadlocks").
struct LockOrderCase {
  std::vector<InstanceRecord> stored;
  std::string first;
  std::vector<std::string> rest;
  std::function<Status(IndexWriter&)> job;
};

using TextRows = std::vector<std::vector<std::string>>;

class PgWriterLockOrderE2eTest : public PgIndexBackendE2eTest {
 protected:
  void Run(const LockOrderCase& c) {
    auto writer = OpenWriter();
    ASSERT_NE(writer, nullptr);
    for (const InstanceRecord& record : c.stored) ASSERT_TRUE(writer->Write(record).ok());
    PgConnection other = Connect();
    ASSERT_TRUE(other.Exec("BEGIN").ok());
    auto held = other.Exec(c.first + " FOR UPDATE");
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    ASSERT_EQ(held->rows(), 1) << c.first;
    Status done = Status::Internal("not run");
    std::thread writing([&] { done = c.job(*writer); });
    while (WaitingLocks(observer_, "transactionid") < 1) std::this_thread::yield();
    for (const std::string& row : c.rest) {
      auto taken = other.Exec(row + " FOR UPDATE NOWAIT");
      EXPECT_TRUE(taken.ok()) << row << ": locked by the writer while it waited for " << c.first
                              << ": " << taken.status().ToString();
      if (taken.ok()) {
        EXPECT_EQ(taken->rows(), 1) << row;
      }
    }
    (void)other.Exec("COMMIT");  // after a failed NOWAIT, a rollback
    writing.join();
    EXPECT_TRUE(done.ok()) << done.ToString();
  }
  // "sop_instance_uid series study patient" of each instance.
  TextRows InstanceRows() {
    return PostgresRows(observer_,
                        "SELECT sop_instance_uid, series_instance_uid, study_instance_uid, "
                        "patient_id FROM instance_details ORDER BY 1");
  }
  // "uid series instances" of each study.
  TextRows StudyCounts() {
    return PostgresRows(observer_,
                        "SELECT study_instance_uid, number_of_series, number_of_instances "
                        "FROM studies ORDER BY 1");
  }

  PgConnection observer_ = Connect();
};

std::string PatientRow(const std::string& id) {
  return "SELECT 1 FROM patients WHERE patient_id = '" + id + "'";
}
std::string StudyRow(const std::string& uid) {
  return "SELECT 1 FROM studies WHERE study_instance_uid = '" + uid + "'";
}
std::string SeriesRow(const std::string& uid) {
  return "SELECT 1 FROM series WHERE series_instance_uid = '" + uid + "'";
}
// A job that writes `record`, replacing a stored instance.
std::function<Status(IndexWriter&)> Replacing(InstanceRecord record) {
  return [record](IndexWriter& writer) {
    auto written = writer.Write(record);
    if (written.ok() && !written->replaced) return Status::Internal("not replaced");
    return written.status();
  };
}

TEST_F(PgWriterLockOrderE2eTest, AReplacingStoreLocksThePatientFirst) {
  // Deleting the old row first would lock study 1.3 (its count trigger).
  Run({{Record("1.1", "1.2", "1.3", "P1")},
       PatientRow("P1"),
       {StudyRow("1.3"), SeriesRow("1.2"), "SELECT 1 FROM instances WHERE sop_instance_uid = '1.1'"},
       Replacing(Record("1.1", "1.2", "1.3", "P1"))});
  EXPECT_EQ(InstanceRows(), (TextRows{{"1.1", "1.2", "1.3", "P1"}}));
  EXPECT_EQ(StudyCounts(), (TextRows{{"1.3", "1", "1"}}));
}

TEST_F(PgWriterLockOrderE2eTest, AStoreMovingAnInstanceToALaterPatientLocksTheOldRowsFirst) {
  // P1's rows come before P2's: the old patient is the first row.
  Run({{Record("1.1", "1.2", "1.3", "P1"), Record("2.9", "2.2", "2.3", "P2")},
       PatientRow("P1"),
       {StudyRow("1.3"), SeriesRow("1.2"), PatientRow("P2"), StudyRow("2.3")},
       Replacing(Record("1.1", "2.2", "2.3", "P2"))});
  // The old series, study and patient, left empty, are gone.
  EXPECT_EQ(InstanceRows(), (TextRows{{"1.1", "2.2", "2.3", "P2"}, {"2.9", "2.2", "2.3", "P2"}}));
  EXPECT_EQ(StudyCounts(), (TextRows{{"2.3", "1", "2"}}));
  EXPECT_EQ(PostgresRows(observer_, "SELECT patient_id FROM patients"), (TextRows{{"P2"}}));
}

TEST_F(PgWriterLockOrderE2eTest, AStoreMovingAnInstanceToAnEarlierPatientLocksTheNewRowsFirst) {
  // The new patient P1 is the first row; the old rows of P2 come after all
  // of P1's.
  Run({{Record("2.1", "2.2", "2.3", "P2"), Record("1.9", "1.2", "1.3", "P1")},
       PatientRow("P1"),
       {StudyRow("1.3"), PatientRow("P2"), StudyRow("2.3"), SeriesRow("2.2")},
       Replacing(Record("2.1", "1.2", "1.3", "P1"))});
  EXPECT_EQ(InstanceRows(), (TextRows{{"1.9", "1.2", "1.3", "P1"}, {"2.1", "1.2", "1.3", "P1"}}));
  EXPECT_EQ(StudyCounts(), (TextRows{{"1.3", "1", "2"}}));
  EXPECT_EQ(PostgresRows(observer_, "SELECT patient_id FROM patients"), (TextRows{{"P1"}}));
}

TEST_F(PgWriterLockOrderE2eTest, ARemovalLocksThePatientFirst) {
  // The patient, left empty, goes too; deleting the instance first would
  // lock study 1.3.
  Run({{Record("1.1", "1.2", "1.3", "P1")},
       PatientRow("P1"),
       {StudyRow("1.3"), SeriesRow("1.2")},
       [](IndexWriter& writer) { return writer.Remove("1.1"); }});
  EXPECT_EQ(InstanceRows(), TextRows{});
  EXPECT_EQ(PostgresRows(observer_, "SELECT count(*) FROM patients"), (TextRows{{"0"}}));
}

}  // namespace
}  // namespace pixeldex::index::postgres

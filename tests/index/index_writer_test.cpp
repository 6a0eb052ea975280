// The index writer: schema, rows at every level, replacement, group commit.

#include "catalog/index/index_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "catalog/index/schema.h"
#include "catalog/index/sqlite_index_backend.h"
#include "tests/index/conflicting_backend.h"
#include "tests/support/index_probe.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

using pixeldex::testing::ConflictingBackend;
using pixeldex::testing::IndexProbe;
using pixeldex::testing::Row;

InstanceRecord Record(const std::string& sop, const std::string& series = "1.2.2",
                      const std::string& study = "1.2.1", const std::string& patient = "P1") {
  return pixeldex::testing::SampleRecord(sop, series, study, patient);
}

class IndexWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
  }
  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::unique_ptr<IndexWriter> writer_;
  IndexProbe probe_{path_};
};

TEST_F(IndexWriterTest, NewIndexHasTheCurrentSchemaVersionInWalMode) {
  EXPECT_EQ(probe_.Scalar("PRAGMA user_version"), std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(probe_.Scalar("PRAGMA journal_mode"), "wal");
}

// Issue 13, finding 6: a reader that keeps its snapshot while the writer
// goes on (a C-FIND whose caller reads slowly) makes the WAL grow; once the
// reader is done, the WAL file shrinks back to kWalSizeLimitBytes (PRAGMA
// journal_size_limit) instead of keeping its largest size for good.
TEST_F(IndexWriterTest, TheWalShrinksBackOnceALongReaderIsDone) {
  namespace fs = std::filesystem;
  ASSERT_TRUE(writer_->Write(Record("1.1")).ok());
  auto reader = Db::Open(path_, Db::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  auto held = reader->Prepare("SELECT sop_instance_uid FROM instances");
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(held->Step());  // its snapshot lives while the statement is open
  const std::string comment(256 << 10, 'x');
  for (int i = 0; i < 100; ++i) {  // 25 MiB of headers
    InstanceRecord r = Record("2." + std::to_string(i));
    r.header_json = R"({"00204000":{"vr":"LT","Value":[")" + comment + R"("]}})";
    ASSERT_TRUE(writer_->Write(std::move(r)).ok());
  }
  ASSERT_GT(fs::file_size(path_ + "-wal"), static_cast<uintmax_t>(kWalSizeLimitBytes))
      << "the reader did not keep the WAL from being checkpointed";
  held->Reset();  // the reader is done
  for (int i = 0; i < 3; ++i) {  // checkpointed, then the WAL restarts
    ASSERT_TRUE(writer_->Write(Record("3." + std::to_string(i))).ok());
  }
  EXPECT_LE(fs::file_size(path_ + "-wal"), static_cast<uintmax_t>(kWalSizeLimitBytes));
}

TEST_F(IndexWriterTest, ReopeningAnExistingIndexKeepsItsRows) {
  ASSERT_TRUE(writer_->Write(Record("1.2.3.1")).ok());
  writer_.reset();
  auto reopened = IndexWriter::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);
}

TEST_F(IndexWriterTest, AnIndexFromANewerPixeldexIsRefused) {
  writer_.reset();
  {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 999").ok());
  }
  auto reopened = IndexWriter::Open(path_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Status::Code::kUnsupported);
}

TEST_F(IndexWriterTest, WriteCreatesRowsAtEveryLevel) {
  auto outcome = writer_->Write(Record("1.2.3.1"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->replaced);
  EXPECT_EQ(probe_.Rows("SELECT patient_id, patient_name, study_instance_uid, study_date, "
                        "series_instance_uid, modality, series_number, sop_instance_uid, rows, "
                        "columns, calling_aet FROM instance_details"),
            (std::vector<Row>{{"P1", "Doe^John", "1.2.1", "20260101", "1.2.2", "CT", "3",
                               "1.2.3.1", "512", "<null>", "MODALITY"}}));
  EXPECT_EQ(probe_.Scalar("SELECT json_extract(json, '$.\"00080018\".Value[0]') FROM headers"),
            "1.2.3.1");
  EXPECT_EQ(probe_.Rows("SELECT status, width, height, png FROM thumbnails"),
            (std::vector<Row>{{"ok", "2", "1", "PNGBYTES"}}));
}

TEST_F(IndexWriterTest, InstancesShareTheirSeriesStudyAndPatient) {
  ASSERT_TRUE(writer_->Write(Record("1.2.3.1")).ok());
  ASSERT_TRUE(writer_->Write(Record("1.2.3.2")).ok());
  ASSERT_TRUE(writer_->Write(Record("1.2.3.3", "1.2.2.9")).ok());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series"), 2);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 3);
}

TEST_F(IndexWriterTest, RewritingAnInstanceReplacesItsRowsAndDropsEmptyParents) {
  ASSERT_TRUE(writer_->Write(Record("1.2.3.1", "1.2.2", "1.2.1", "P1")).ok());
  // Same SOP Instance UID, now in another series, study and patient.
  auto outcome = writer_->Write(Record("1.2.3.1", "9.2", "9.1", "P2"));
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->replaced);
  EXPECT_EQ(outcome->replaced_path, "1.2.1/1.2.2/1.2.3.1.dcm");
  EXPECT_EQ(probe_.Rows("SELECT patient_id, study_instance_uid, series_instance_uid FROM instance_details"),
            (std::vector<Row>{{"P2", "9.1", "9.2"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM headers"), 1);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM thumbnails"), 1);
}

// Schema version 3 keeps each study's counts and modalities in its row (for
// C-FIND): they follow every write, rewrite and removal.
TEST_F(IndexWriterTest, StudyCountsFollowWritesRewritesAndRemovals) {
  auto counts = [&] {
    return probe_.Rows("SELECT study_instance_uid, number_of_series, number_of_instances, "
                       "modalities_in_study FROM studies ORDER BY 1");
  };
  InstanceRecord mr = Record("1.2.3.3", "1.2.2.9");
  mr.series.modality = "MR";
  ASSERT_TRUE(writer_->Write(Record("1.2.3.1")).ok());
  ASSERT_TRUE(writer_->Write(Record("1.2.3.2")).ok());
  ASSERT_TRUE(writer_->Write(mr).ok());
  EXPECT_EQ(counts(), (std::vector<Row>{{"1.2.1", "2", "3", "CT\\MR"}}));

  // Rewritten into another study: both studies change.
  ASSERT_TRUE(writer_->Write(Record("1.2.3.2", "9.2", "9.1")).ok());
  EXPECT_EQ(counts(), (std::vector<Row>{{"1.2.1", "2", "2", "CT\\MR"}, {"9.1", "1", "1", "CT"}}));

  // A later instance brings its series another modality.
  InstanceRecord us = Record("1.2.3.4", "1.2.2.9");
  us.series.modality = "US";
  ASSERT_TRUE(writer_->Write(us).ok());
  EXPECT_EQ(counts(), (std::vector<Row>{{"1.2.1", "2", "3", "CT\\US"}, {"9.1", "1", "1", "CT"}}));

  // Removing the series' last instances removes the series from the counts.
  ASSERT_TRUE(writer_->Remove("1.2.3.3").ok());
  ASSERT_TRUE(writer_->Remove("1.2.3.4").ok());
  EXPECT_EQ(counts(), (std::vector<Row>{{"1.2.1", "1", "1", "CT"}, {"9.1", "1", "1", "CT"}}));
  EXPECT_EQ(probe_.Rows("SELECT study_instance_uid, series_count, instance_count FROM "
                        "study_summary ORDER BY 1"),
            (std::vector<Row>{{"1.2.1", "1", "1"}, {"9.1", "1", "1"}}));
}

TEST_F(IndexWriterTest, NewValuesUpdateAndAbsentValuesKeepParentAttributes) {
  InstanceRecord first = Record("1.2.3.1");
  first.study.accession_number = "ACC";
  ASSERT_TRUE(writer_->Write(first).ok());
  InstanceRecord second = Record("1.2.3.2");
  second.patient.patient_name = "Doe^Johnny";
  second.study.accession_number = "";
  ASSERT_TRUE(writer_->Write(second).ok());
  EXPECT_EQ(probe_.Scalar("SELECT patient_name FROM patients"), "Doe^Johnny");
  EXPECT_EQ(probe_.Scalar("SELECT accession_number FROM studies"), "ACC");
}

// Each study keeps a copy of its patient's identity (schema v9,
// patient_identity.h), which study-level searches read instead of the
// patient row: it follows every write under the patient-identity rules of
// PS3.3 C.7.1.1.
TEST_F(IndexWriterTest, StudiesKeepTheIdentityOfTheirPatientThroughEveryChange) {
  const std::string kMismatches =
      "SELECT count(*) FROM studies st JOIN patients p USING (patient_pk) "
      "WHERE st.patient_id <> p.patient_id OR st.issuer_of_patient_id <> p.issuer_of_patient_id";
  const std::string kStudies =
      "SELECT study_instance_uid, patient_id, issuer_of_patient_id, patient_name FROM studies "
      "ORDER BY 1";
  InstanceRecord first = Record("1.2.3.1");
  first.patient.issuer_of_patient_id = "HOSP";
  ASSERT_TRUE(writer_->Write(first).ok());
  // The same Patient ID under another name: one patient, the study's own
  // name follows, its identity stays.
  InstanceRecord renamed = Record("1.2.3.2");
  renamed.patient.issuer_of_patient_id = "HOSP";
  renamed.patient.patient_name = "Doe^Johnny";
  ASSERT_TRUE(writer_->Write(renamed).ok());
  EXPECT_EQ(probe_.Rows(kStudies), (std::vector<Row>{{"1.2.1", "P1", "HOSP", "Doe^Johnny"}}));
  // A later instance of the study names another patient: the study moves,
  // and its copy with it.
  ASSERT_TRUE(writer_->Write(Record("1.2.3.3", "1.2.2", "1.2.1", "P2")).ok());
  EXPECT_EQ(probe_.Rows(kStudies), (std::vector<Row>{{"1.2.1", "P2", "", "Doe^John"}}));
  // No Patient ID: each study is a patient of its own, identified by nothing.
  InstanceRecord anonymous = Record("9.3.1", "9.2", "9.1", "");
  anonymous.patient.issuer_of_patient_id = "LAB";
  ASSERT_TRUE(writer_->Write(anonymous).ok());
  ASSERT_TRUE(writer_->Write(Record("8.3.1", "8.2", "8.1", "")).ok());
  EXPECT_EQ(probe_.Rows(kStudies),
            (std::vector<Row>{{"1.2.1", "P2", "", "Doe^John"},
                              {"8.1", "", "", "Doe^John"},
                              {"9.1", "", "LAB", "Doe^John"}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients WHERE patient_id = ''"), 2);
  // An instance replaced into another study and patient.
  ASSERT_TRUE(writer_->Write(Record("9.3.1", "7.2", "7.1", "P7")).ok());
  ASSERT_TRUE(writer_->Remove("8.3.1").ok());
  EXPECT_EQ(probe_.Rows(kStudies), (std::vector<Row>{{"1.2.1", "P2", "", "Doe^John"},
                                                     {"7.1", "P7", "", "Doe^John"}}));
  EXPECT_EQ(probe_.Count(kMismatches), 0);
}

TEST_F(IndexWriterTest, RemoveDeletesTheInstanceAndEmptyParents) {
  ASSERT_TRUE(writer_->Write(Record("1.2.3.1")).ok());
  ASSERT_TRUE(writer_->Remove("1.2.3.1").ok());
  EXPECT_EQ(probe_.Count("SELECT (SELECT count(*) FROM instances) + (SELECT count(*) FROM series)"
                         " + (SELECT count(*) FROM studies) + (SELECT count(*) FROM patients)"),
            0);
  EXPECT_EQ(writer_->Remove("1.2.3.1").code(), Status::Code::kNotFound);
}

TEST_F(IndexWriterTest, FindCopySeesCommittedInstances) {
  auto missing = writer_->FindCopy("1.2.3.1");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  InstanceRecord record = Record("1.2.3.1");
  record.provenance = Provenance{ProvenanceSource::kNetwork, "MODALITY", "PIXELDEX", "127.0.0.1:4000"};
  ASSERT_TRUE(writer_->Write(record).ok());
  auto found = writer_->FindCopy("1.2.3.1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->path, "1.2.1/1.2.2/1.2.3.1.dcm");
  EXPECT_EQ((*found)->received_at, record.file.received_at);
  EXPECT_EQ((*found)->provenance.calling_aet, "MODALITY");
  EXPECT_EQ((*found)->provenance.peer_address, "127.0.0.1:4000");
}

TEST_F(IndexWriterTest, FindCopyReadsTheSourceBackAndRefusesOneItDoesNotKnow) {
  InstanceRecord record = Record("1.2.3.1");
  record.provenance.source = ProvenanceSource::kDicomweb;
  ASSERT_TRUE(writer_->Write(record).ok());
  EXPECT_EQ(probe_.Scalar("SELECT source FROM instances"), "dicomweb");
  auto found = writer_->FindCopy("1.2.3.1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->provenance.source, ProvenanceSource::kDicomweb);
  {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("UPDATE instances SET source = 'sneakernet'").ok());
  }
  auto unknown = writer_->FindCopy("1.2.3.1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kCorruption);
  EXPECT_NE(unknown.status().message().find("sneakernet"), std::string::npos);
}

TEST_F(IndexWriterTest, ConcurrentWritersAreGroupCommittedWithoutLoss) {
  constexpr int kThreads = 8;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string n = std::to_string(t) + "." + std::to_string(i);
        if (!writer_->Write(Record("1.2.3." + n, "1.2.2." + std::to_string(t))).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), kThreads * kEach);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series"), kThreads);
  // Group commit: concurrent writers shared transactions.
  const IndexWriterStats stats = writer_->stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_LT(stats.transactions, stats.jobs) << "one transaction per record: no group commit";
}

TEST_F(IndexWriterTest, HistoryIsRecordedAndPruned) {
  AssociationRecord association;
  association.calling_aet = "CT1";
  association.started_at = "2001-01-01T00:00:00.000Z";
  association.outcome = "released";
  ASSERT_TRUE(writer_->Record(association).ok());
  association.started_at = "2999-01-01T00:00:00.000Z";
  ASSERT_TRUE(writer_->Record(association).ok());
  EventRecord event;
  event.kind = EventKind::kStoreFailed;
  event.status_code = 0xA700;
  ASSERT_TRUE(writer_->Record(event).ok());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM associations"), 2);
  EXPECT_EQ(probe_.Scalar("SELECT status_code FROM events"), std::to_string(0xA700));
  ASSERT_TRUE(writer_->PruneHistory(30).ok());
  EXPECT_EQ(probe_.Scalar("SELECT group_concat(started_at) FROM associations"),
            "2999-01-01T00:00:00.000Z");
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM events"), 1);  // recorded just now
}

// A job that loses a transaction conflict (kAborted: a PostgreSQL deadlock
// or serialization failure) runs again in a new transaction once its batch
// has committed, up to IndexWriter::kConflictAttempts transactions.
class IndexWriterConflictTest : public ::testing::Test {
 protected:
  // Starts the writer over the SQLite index, with `configure` telling the
  // backend what to fail before the writer thread runs.
  void Start(const std::function<void(ConflictingBackend&)>& configure) {
    auto sqlite = SqliteIndexBackend::Open(path_);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
    auto backend = std::make_unique<ConflictingBackend>(std::move(sqlite).value());
    backend_ = backend.get();
    configure(*backend_);
    writer_ = IndexWriter::Start(std::move(backend));
  }
  // Writes each SOP Instance UID from its own thread at once, so that the
  // jobs share batches; the results in the order of `uids`.
  std::vector<Result<WriteOutcome>> WriteAtOnce(const std::vector<std::string>& uids) {
    std::vector<Result<WriteOutcome>> results(uids.size(), Status::Internal("not written"));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < uids.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = writer_->Write(Record(uids[i])); });
    }
    for (auto& thread : threads) thread.join();
    return results;
  }
  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  ConflictingBackend* backend_ = nullptr;  // owned by writer_
  std::unique_ptr<IndexWriter> writer_;
  IndexProbe probe_{path_};
};

TEST_F(IndexWriterConflictTest, AJobThatLostAConflictPassesInANewTransactionAlone) {
  Start([](ConflictingBackend& backend) { backend.FailInserts("1.2.3.2", 1); });
  const auto results = WriteAtOnce({"1.2.3.1", "1.2.3.2", "1.2.3.3"});
  for (const auto& result : results) EXPECT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(probe_.Scalar("SELECT group_concat(sop_instance_uid) FROM "
                          "(SELECT sop_instance_uid FROM instances ORDER BY 1)"),
            "1.2.3.1,1.2.3.2,1.2.3.3");
  // Each Write() has returned, so the writer thread is done with these:
  // the other jobs of its batch committed once and did not run again.
  EXPECT_EQ(backend_->InsertsOf("1.2.3.1"), 1);
  EXPECT_EQ(backend_->InsertsOf("1.2.3.2"), 2);
  EXPECT_EQ(backend_->InsertsOf("1.2.3.3"), 1);
}

TEST_F(IndexWriterConflictTest, AJobThatKeepsLosingFailsWithTheConflictAfterTheLastAttempt) {
  Start([](ConflictingBackend& backend) { backend.FailInserts("1.2.3.2", 1000); });
  const auto results = WriteAtOnce({"1.2.3.1", "1.2.3.2", "1.2.3.3"});
  EXPECT_TRUE(results[0].ok()) << results[0].status().ToString();
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].status().code(), Status::Code::kAborted) << results[1].status().ToString();
  EXPECT_TRUE(results[2].ok()) << results[2].status().ToString();
  EXPECT_EQ(backend_->InsertsOf("1.2.3.2"), IndexWriter::kConflictAttempts);
  EXPECT_EQ(probe_.Scalar("SELECT group_concat(sop_instance_uid) FROM "
                          "(SELECT sop_instance_uid FROM instances ORDER BY 1)"),
            "1.2.3.1,1.2.3.3");
  // The writer goes on.
  EXPECT_TRUE(writer_->Write(Record("1.2.3.4")).ok());
}

// Writers of one shared database take row locks in one order
// (lock_order.h): within each transaction the instances go in the order of
// their patient, study and series, whatever order they were queued in, and
// each Write() still gets the outcome of its own record.
TEST_F(IndexWriterConflictTest, ABatchIsAppliedInLockOrderAndEachWriteGetsItsOwnOutcome) {
  Start([](ConflictingBackend&) {});
  constexpr int kThreads = 8;
  constexpr int kEach = 20;
  // Thread t writes study 1.9.(9-t): later threads, earlier studies.
  auto study_of = [](int t) { return "1.9." + std::to_string(9 - t); };
  std::map<std::string, std::string> study_by_uid;
  std::map<std::string, int64_t> pk_by_uid;
  std::mutex mutex;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string uid = "1.2.3." + std::to_string(t) + "." + std::to_string(i);
        auto written = writer_->Write(Record(uid, study_of(t) + ".1", study_of(t), "P1"));
        std::lock_guard lock(mutex);
        study_by_uid[uid] = study_of(t);
        if (written.ok()) {
          pk_by_uid[uid] = written->instance_pk;
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  size_t shared = 0;
  for (const std::vector<std::string>& transaction : backend_->InsertsByTransaction()) {
    if (transaction.size() > 1) ++shared;
    for (size_t k = 1; k < transaction.size(); ++k) {
      const auto& before = transaction[k - 1];
      const auto& after = transaction[k];
      EXPECT_LE(study_by_uid[before], study_by_uid[after]) << before << " before " << after;
      if (study_by_uid[before] == study_by_uid[after]) {
        EXPECT_LT(before, after);
      }
    }
  }
  EXPECT_GT(shared, 0u) << "no transaction held two writes: nothing was ordered";
  for (const auto& [uid, pk] : pk_by_uid) {
    EXPECT_EQ(probe_.Scalar("SELECT instance_pk FROM instances WHERE sop_instance_uid = '" + uid +
                            "'"),
              std::to_string(pk))
        << uid;
  }
}

// A store that moves an instance to another patient, study and series locks
// rows at two places of the global order (lock_order.h), and the jobs
// ordered between them would take theirs in between: it runs in a
// transaction of its own, while the other stores still share theirs.
TEST_F(IndexWriterConflictTest, AStoreMovingAnInstanceToOtherParentsRunsInATransactionOfItsOwn) {
  Start([](ConflictingBackend&) {});
  constexpr int kMovers = 3;
  constexpr int kWriters = 3;
  constexpr int kEach = 15;
  auto uid = [](int t, int i) { return "1.2.3." + std::to_string(t) + "." + std::to_string(i); };
  for (int t = 0; t < kMovers; ++t) {
    for (int i = 0; i < kEach; ++i) {
      ASSERT_TRUE(writer_->Write(Record(uid(t, i), "1.8.1", "1.8", "P1")).ok());
    }
  }
  const size_t before = backend_->InsertsByTransaction().size();
  // The movers send their instances again under patient P2, study 1.9,
  // while the writers store new instances of patients in between.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kMovers + kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const bool mover = t < kMovers;
        auto written = mover ? writer_->Write(Record(uid(t, i), "1.9.1", "1.9", "P2"))
                             : writer_->Write(Record(uid(t, i), "1.7.1", "1.7", "P1.5"));
        if (!written.ok() || written->replaced != mover) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  size_t shared = 0;
  const auto& transactions = backend_->InsertsByTransaction();
  for (size_t k = before; k < transactions.size(); ++k) {
    if (transactions[k].size() > 1) ++shared;
    for (const std::string& inserted : transactions[k]) {
      const bool moved = std::stoi(inserted.substr(6, inserted.find('.', 6) - 6)) < kMovers;
      if (moved) {
        EXPECT_EQ(transactions[k].size(), 1u) << inserted << " shared a transaction";
      }
    }
  }
  EXPECT_GT(shared, 0u) << "no transaction held two writes: nothing shared a batch";
  // The old series, study and patient went with their last instance.
  EXPECT_EQ(probe_.Rows("SELECT patient_id, count(*) FROM instance_details GROUP BY 1 ORDER BY 1"),
            (std::vector<Row>{{"P1.5", std::to_string(kWriters * kEach)},
                              {"P2", std::to_string(kMovers * kEach)}}));
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients"), 2);
}

// A conflict at COMMIT (a serialization failure) undoes the whole batch:
// its jobs run again in a new transaction.
TEST_F(IndexWriterConflictTest, ABatchThatLostAConflictAtCommitRunsAgain) {
  Start([](ConflictingBackend& backend) { backend.FailCommits(1); });
  Result<WriteOutcome> written = writer_->Write(Record("1.2.3.1"));
  EXPECT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(backend_->InsertsOf("1.2.3.1"), 2);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);
  EXPECT_EQ(writer_->stats().transactions, 1u) << "the failed commit is no transaction";
}

// The writer's catch boundary: an exception thrown inside a batch fails that
// batch's jobs with an internal error, rolls its rows back, and the writer
// goes on with the next batch.
TEST(IndexWriterBoundaryTest, AnExceptionFailsTheBatchAndTheWriterGoesOn) {
  pixeldex::testing::TempDir dir;
  const std::string path = dir / "index.db";
  std::atomic<bool> throw_next{true};
  IndexWriterOptions options;
  options.before_apply = [&] {
    if (throw_next.exchange(false)) throw std::runtime_error("injected by the test");
  };
  auto writer = IndexWriter::Open(path, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();

  Result<WriteOutcome> failed = (*writer)->Write(Record("1.2.3.1"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kInternal);
  EXPECT_NE(failed.status().message().find("injected by the test"), std::string::npos)
      << failed.status().ToString();

  Result<WriteOutcome> next = (*writer)->Write(Record("1.2.3.2"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  IndexProbe probe(path);
  EXPECT_EQ(probe.Scalar("SELECT group_concat(sop_instance_uid) FROM instances"), "1.2.3.2");
}

}  // namespace
}  // namespace pixeldex::index

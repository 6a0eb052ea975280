#pragma once
// ArchiveFixture: a real archive in a temp dir (FileStore over a
// FaultyFileSystem, IndexWriter, IngestPipeline) for the reconcile, check
// and fault-injection tests, with helpers to add instances and to reconcile.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "catalog/index/index_writer.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/reconcile/reconciler.h"
#include "catalog/storage/file_store.h"
#include "tests/support/archive_audit.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/faulty_file_system.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

class ArchiveFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Initialize().ok());
    auto writer = index::IndexWriter::Open(index_path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_, *writer_, options_);
  }

  // Ingests `t` as if received from MODALITY; returns the pipeline's result.
  Result<ingest::IngestOutcome> Ingest(const TestInstance& t) {
    ingest::IngestRequest request;
    request.incoming_path = store_.NewIncomingPath();
    WriteTestInstance(request.incoming_path, t);
    request.provenance = Provenance{ProvenanceSource::kNetwork, "MODALITY", "PIXELDEX", "127.0.0.1:1234"};
    return pipeline_->Ingest(request);
  }
  // Ingests `t`, failing the test if that fails; returns its stored path.
  std::string Stored(const TestInstance& t) {
    auto outcome = Ingest(t);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? outcome->relative_path : std::string();
  }
  reconcile::ReconcileReport Reconcile(reconcile::ReconcileOptions options = {}) {
    options.jobs = 2;
    auto report = reconcile::Reconcile(*pipeline_, store_, *writer_, index_path_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(report).value() : reconcile::ReconcileReport{};
  }
  // Runs SQL on the index through a connection of its own (as a person with
  // sqlite3 could); throws on error.
  void ExecSql(const std::string& sql) const {
    sqlite3* db = nullptr;
    sqlite3_open(index_path_.c_str(), &db);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + message);
  }
  ArchiveAudit Audit() const { return AuditArchive(store_.layout().root().string(), index_path_); }
  std::string FileOf(const std::string& relative) const {
    return store_.layout().Absolute(relative).string();
  }
  static int64_t Count(const reconcile::ReconcileReport& r, import::FileResult result) {
    return r.cataloged.counts.Of(result);
  }

  TempDir dir_;
  const std::string index_path_ = dir_ / "index.db";
  FaultyFileSystem faults_;
  storage::FileStore store_{storage::StorageLayout(dir_.path() / "storage"), faults_};
  std::unique_ptr<index::IndexWriter> writer_;
  ingest::IngestOptions options_;  // set before ArchiveFixture::SetUp runs
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  IndexProbe probe_{index_path_};
};

}  // namespace pixeldex::testing

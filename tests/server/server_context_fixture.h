#pragma once
// ServerContextFixture: the ServerContext an association gets, built over a
// real archive in a temp dir (FileStore, IndexWriter, IngestPipeline,
// ReaderPool, metrics), so that the DIMSE handlers' logic (StoreService,
// FindQuery, RetrieveOperation) is unit-tested without sockets or child
// processes. Thumbnails are off (nothing here looks at them).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <gtest/gtest.h>

#include <atomic>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "catalog/index/index_writer.h"
#include "catalog/index/reader_pool.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/query/index_reader.h"
#include "catalog/storage/file_store.h"
#include "catalog/storage/incoming_file.h"
#include "server/access/access_control.h"
#include "server/association/server_context.h"
#include "server/config/settings.h"
#include "server/metrics/server_metrics.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {

// A request identifier holding `elements` (tag, value; an empty value is a
// return key), as a C-FIND or retrieve SCU sends it.
std::unique_ptr<DcmDataset> Identifier(
    std::initializer_list<std::pair<DcmTagKey, std::string>> elements);

class ServerContextFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Rebuilds the pipeline (and the context) under `policy`.
  void UseDuplicatePolicy(ingest::DuplicatePolicy policy);
  // `t` written as a file in the incoming directory, as a C-STORE receives it.
  storage::IncomingFile Incoming(const TestInstance& t);
  // Catalogs `t` through the pipeline, failing the test if that fails.
  void Catalog(const TestInstance& t);
  // The read-only index connection SetUp acquired, as the reader an
  // association keeps (FindContext::reader, RetrieveContext::reader).
  Result<query::IndexReader*> FindReader();
  // History events of `kind` ("store_failed", ...).
  long long Events(const std::string& kind) const;
  // Files left in the incoming directory.
  size_t IncomingFiles() const;

  server::ServerContext& context() { return *context_; }

  TempDir dir_;
  const std::string index_path_ = dir_ / "index.db";
  server::Settings settings_;
  server::AccessControl access_;
  storage::FileStore store_{storage::StorageLayout(dir_.path() / "storage")};
  std::unique_ptr<index::IndexWriter> writer_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  index::ReaderPool readers_{index_path_};
  std::optional<index::PooledReader> reader_;
  std::optional<query::SqliteIndexReader> find_reader_;
  std::atomic<bool> stopping_{false};
  server::metrics::ServerMetrics metrics_;
  std::unique_ptr<server::ServerContext> context_;
  IndexProbe probe_{index_path_};
};

}  // namespace pixeldex::testing

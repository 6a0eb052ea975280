#pragma once
// ServerContext: what every association needs from the running server. Owned
// by DicomServer, outlives every association thread, read-only after start
// except for the stop flag.

#include <atomic>
#include <functional>
#include <memory>

#include "catalog/common/result.h"
#include "catalog/index/index_writer.h"
#include "catalog/index/reader_pool.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/query/index_reader.h"
#include "catalog/storage/file_store.h"
#include "server/access/access_control.h"
#include "server/config/settings.h"
#include "server/metrics/server_metrics.h"
#include "server/tls/tls_transport.h"

namespace pixeldex::server {

struct ServerContext {
  const Settings& settings;
  // Who may associate, store, query; reloaded on SIGHUP.
  const AccessControl& access;
  ingest::IngestPipeline& pipeline;
  storage::FileStore& store;
  // For the operational history (associations, events).
  index::IndexWriter& writer;
  // A read-only connection to the SQLite index (for WADO-RS and the web
  // page), from the server's pool; it goes back when the PooledReader is
  // destroyed. Refused on PostgreSQL (sqlite_db.h).
  std::function<Result<index::PooledReader>()> open_reader;
  // A read-only reader of the index, SQLite or PostgreSQL, for C-FIND,
  // C-GET/C-MOVE and QIDO-RS (CatalogArchive::OpenFindReader); its
  // connection goes back to the pool when the reader is destroyed.
  std::function<Result<std::unique_ptr<query::IndexReader>>()> open_find_reader;
  // Set when the server is stopping: associations finish their current
  // operation, then end.
  const std::atomic<bool>& stopping;
  // Counters for /metrics; updated from every association.
  metrics::ServerMetrics& metrics;
  // The requestor TLS transport for C-MOVE destinations marked tls://; null
  // when none is. Built once at start, shared by every sub-association.
  TlsTransport* move_tls = nullptr;
  // Test seam: called with each DIMSE request's command field before it is
  // dispatched; empty in production (see kTestThrowOnCommandVariable).
  std::function<void(unsigned command_field)> before_dispatch;
};

// Per-association counters for the association's log line.
struct AssociationStats {
  int instances_stored = 0;
  int store_failures = 0;
  int finds = 0;
  int retrieves = 0;  // C-GET and C-MOVE requests
  int64_t bytes_received = 0;
};

}  // namespace pixeldex::server

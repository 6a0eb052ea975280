#pragma once
// What the subcommands that write an archive beside a running server share
// (`import`, `reindex`): the archive opened the way the server opens it,
// except that the incoming directory is not cleaned (a running server may be
// receiving into it); their logging; and SIGINT/SIGTERM as a cancel flag.

#include <atomic>
#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/index_writer.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"
#include "server/config/settings.h"

namespace pixeldex::server {

// Members in dependency order: the pipeline uses the writer and the store.
struct WritableArchive {
  std::unique_ptr<storage::FileStore> store;
  std::unique_ptr<index::IndexWriter> writer;
  std::unique_ptr<ingest::IngestPipeline> pipeline;
};

// The ingest options the settings ask for (duplicates, thumbnails).
ingest::IngestOptions IngestOptionsFrom(const Settings& settings);

// Creates the storage root and incoming directory and opens (or creates) the
// index. Logs the reason and returns nullptr when that fails.
std::unique_ptr<WritableArchive> OpenWritableArchive(const Settings& settings);

// DCMTK's own log only when debugging (unreadable files are reported by the
// command, DCMTK's complaints would be noise); SettingsOptions::Resolve has
// already configured pixeldex's log.
void ConfigureBatchLog(const Settings& settings);

// Installs SIGINT and SIGTERM handlers that set the returned flag (and
// nothing else), for work that stops between files.
const std::atomic<bool>* CancelOnSignals();

}  // namespace pixeldex::server

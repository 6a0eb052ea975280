#pragma once
// CatalogArchive: the one place that opens an archive from the settings: the
// storage root (FileStore), the index (the group-committing IndexWriter and
// the ReaderPool that C-FIND, QIDO-RS and retrieves read through) and the
// ingest pipeline over them, and the C-FIND readers. storage.index names the
// SQLite file, or with a postgresql:// URI a PostgreSQL database whose
// schema is created or migrated here (catalog/index/postgres); on
// PostgreSQL C-FIND, QIDO-RS, C-GET/C-MOVE and the web page read through
// OpenFindReader, and what still reads the index through SQLite refuses a
// PostgreSQL one (sqlite_db.h, Db::Open). `serve` opens it as the owner of
// the incoming directory: files an earlier run left incomplete are removed
// and old history is pruned. The commands that write beside a running
// server (import, reindex, delete, protect, recycle) open it alongside:
// incoming is only created, since a running server may be receiving into
// it. The parts are owned here and live as long as the archive; they are
// thread-safe as their own headers say.

#include <memory>
#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/index_writer.h"
#include "catalog/index/postgres/pg_node_lock.h"
#include "catalog/index/reader_pool.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/query/index_reader.h"
#include "catalog/query/pg_index_reader.h"
#include "catalog/storage/file_store.h"
#include "server/config/settings.h"

namespace pixeldex::server {

class CatalogArchive {
 public:
  enum class Role {
    kServer,  // owns incoming: cleans it, prunes history (serve)
    kBeside,  // writes beside a running server: leaves incoming alone
    // Takes over another node's incoming directory (`pixeldex reconcile
    // --node`, PostgreSQL only): cleans it as kServer does its own, every
    // file in it being of a process that is gone.
    kTakeOver,
  };

  // `node` names the node whose incoming directory is used on PostgreSQL:
  // this machine's (its host name) when empty. There every role but
  // kTakeOver holds the node's lock shared while the archive lives, and
  // kTakeOver holds it exclusively (catalog/index/postgres/pg_node_lock.h).
  // Errors: those of FileStore::Initialize (kServer, kTakeOver) or creating
  // incoming (kBeside), of IndexWriter::Open or PgIndexBackend::Open, and of
  // the node's lock (kResourceExhausted: kTakeOver of a node that is alive);
  // kUnsupported for kTakeOver on SQLite.
  static Result<std::unique_ptr<CatalogArchive>> Open(const Settings& settings, Role role,
                                                      const std::string& node = {});

  storage::FileStore& store() { return *store_; }
  index::IndexWriter& writer() { return *writer_; }
  ingest::IngestPipeline& pipeline() { return *pipeline_; }
  index::ReaderPool& readers() { return *readers_; }
  // A reader for C-FIND, QIDO-RS and retrieves: a pooled SQLite or PostgreSQL
  // connection (on PostgreSQL kIoError "database unavailable" while the
  // server is away).
  Result<std::unique_ptr<query::IndexReader>> OpenFindReader();
  // storage.index is a PostgreSQL URI.
  bool on_postgres() const { return on_postgres_; }

 private:
  CatalogArchive() = default;

  bool on_postgres_ = false;
  // On PostgreSQL: this process's part in its node's liveness.
  std::optional<index::postgres::PgNodeLock> node_lock_;
  // In dependency order: the pipeline uses the writer and the store.
  std::unique_ptr<storage::FileStore> store_;
  std::unique_ptr<index::IndexWriter> writer_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<index::ReaderPool> readers_;
  std::unique_ptr<query::PgReaderPool> pg_readers_;  // on PostgreSQL only
};

}  // namespace pixeldex::server

#include "server/catalog_archive.h"

#include <limits.h>
#include <unistd.h>

#include <filesystem>

#include "catalog/common/log.h"
#include "catalog/index/postgres/pg_index_backend.h"
#include "catalog/index/postgres/pg_uri.h"

namespace pixeldex::server {
namespace {

// Creates (kBeside) or cleans (kServer, kTakeOver) the incoming directory.
Status PrepareIncoming(storage::FileStore& store, CatalogArchive::Role role) {
  if (role == CatalogArchive::Role::kServer || role == CatalogArchive::Role::kTakeOver) {
    auto removed = store.Initialize();
    if (!removed.ok()) return removed.status();
    if (*removed > 0) {
      LogWarning("removed {} incomplete incoming file(s) left by an earlier run", *removed);
    }
    return Status::Ok();
  }
  std::error_code ec;
  std::filesystem::create_directories(store.layout().IncomingDir(), ec);
  if (ec) {
    return Status::IoError("cannot create " + store.layout().IncomingDir().string() + ": " +
                           ec.message());
  }
  return Status::Ok();
}

// This machine's name, which names its node of a shared archive: nodes on
// one machine share one incoming directory, where the pids in the names of
// incoming files tell live processes from gone ones (file_store.h).
std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// The ingest options the settings ask for (duplicates, thumbnails).
ingest::IngestOptions IngestOptionsFrom(const Settings& settings) {
  ingest::IngestOptions options;
  options.duplicates = settings.storage.duplicates;
  options.thumbnails = settings.thumbnails.enabled;
  options.thumbnail.max_size = settings.thumbnails.max_size;
  return options;
}

// The index writer of storage.index: a postgresql:// URI selects
// PostgreSQL (issue 18), anything else is the SQLite file's path.
Result<std::unique_ptr<index::IndexWriter>> OpenIndexWriter(const Settings& settings) {
  const std::string& index = settings.storage.index;
  if (!index::postgres::IsPostgresUri(index)) return index::IndexWriter::Open(index);
  auto backend = index::postgres::PgIndexBackend::Open(index);
  if (!backend.ok()) return backend.status();
  Log(LogLevel::kInfo, "index: PostgreSQL {}", index::postgres::RedactUri(index));
  return index::IndexWriter::Start(std::move(backend).value());
}

// On PostgreSQL: `node`'s lock, held shared by every process of the node
// and exclusively by a takeover (pg_node_lock.h), before its incoming
// directory is touched.
Result<index::postgres::PgNodeLock> LockNode(const std::string& uri, const std::string& node,
                                             CatalogArchive::Role role) {
  using index::postgres::PgNodeLock;
  if (role == CatalogArchive::Role::kTakeOver) return PgNodeLock::TakeOver(uri, node);
  return PgNodeLock::Share(uri, node);
}

}  // namespace

Result<std::unique_ptr<CatalogArchive>> CatalogArchive::Open(const Settings& settings, Role role,
                                                             const std::string& node) {
  std::unique_ptr<CatalogArchive> archive(new CatalogArchive());
  archive->on_postgres_ = index::postgres::IsPostgresUri(settings.storage.index);
  if (role == Role::kTakeOver && !archive->on_postgres_) {
    return Status::Unsupported("a SQLite index has one node, which reconciles at its start");
  }
  // On PostgreSQL several nodes may share the root: each receives into, and
  // reconciles, an incoming directory of its own (storage_layout.h).
  const std::string node_name =
      !archive->on_postgres_ ? std::string() : node.empty() ? HostName() : node;
  archive->store_ = std::make_unique<storage::FileStore>(
      storage::StorageLayout(settings.storage.root, node_name));
  if (archive->on_postgres_) {
    auto lock = LockNode(settings.storage.index, archive->store_->layout().node(), role);
    if (!lock.ok()) return lock.status();
    archive->node_lock_.emplace(std::move(lock).value());
  }
  if (role == Role::kTakeOver) archive->store_->AssumeWritersGone();
  PIXELDEX_RETURN_IF_ERROR(PrepareIncoming(*archive->store_, role));
  auto writer = OpenIndexWriter(settings);
  if (!writer.ok()) return writer.status();
  archive->writer_ = std::move(writer).value();
  if (role == Role::kServer && settings.storage.history_days > 0) {
    Status pruned = archive->writer_->PruneHistory(settings.storage.history_days);
    if (!pruned.ok()) LogWarning("cannot prune the operational history: {}", pruned.ToString());
  }
  archive->pipeline_ = std::make_unique<ingest::IngestPipeline>(
      *archive->store_, *archive->writer_, IngestOptionsFrom(settings));
  archive->readers_ = std::make_unique<index::ReaderPool>(settings.storage.index);
  if (archive->on_postgres_) {
    archive->pg_readers_ = std::make_unique<query::PgReaderPool>(settings.storage.index);
  }
  return archive;
}

Result<std::unique_ptr<query::IndexReader>> CatalogArchive::OpenFindReader() {
  if (pg_readers_) return pg_readers_->Acquire();
  auto lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  return std::unique_ptr<query::IndexReader>(
      std::make_unique<query::SqliteIndexReader>(std::move(lease).value()));
}

}  // namespace pixeldex::server

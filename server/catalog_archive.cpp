#include "server/catalog_archive.h"

#include <filesystem>

#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

// Creates (kBeside) or cleans (kServer) the incoming directory.
Status PrepareIncoming(storage::FileStore& store, CatalogArchive::Role role) {
  if (role == CatalogArchive::Role::kServer) {
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

// The ingest options the settings ask for (duplicates, thumbnails).
ingest::IngestOptions IngestOptionsFrom(const Settings& settings) {
  ingest::IngestOptions options;
  options.duplicates = settings.storage.duplicates;
  options.thumbnails = settings.thumbnails.enabled;
  options.thumbnail.max_size = settings.thumbnails.max_size;
  return options;
}

}  // namespace

Result<std::unique_ptr<CatalogArchive>> CatalogArchive::Open(const Settings& settings, Role role) {
  std::unique_ptr<CatalogArchive> archive(new CatalogArchive());
  archive->store_ =
      std::make_unique<storage::FileStore>(storage::StorageLayout(settings.storage.root));
  PIXELDEX_RETURN_IF_ERROR(PrepareIncoming(*archive->store_, role));
  auto writer = index::IndexWriter::Open(settings.storage.index);
  if (!writer.ok()) return writer.status();
  archive->writer_ = std::move(writer).value();
  if (role == Role::kServer && settings.storage.history_days > 0) {
    Status pruned = archive->writer_->PruneHistory(settings.storage.history_days);
    if (!pruned.ok()) LogWarning("cannot prune the operational history: {}", pruned.ToString());
  }
  archive->pipeline_ = std::make_unique<ingest::IngestPipeline>(
      *archive->store_, *archive->writer_, IngestOptionsFrom(settings));
  archive->readers_ = std::make_unique<index::ReaderPool>(settings.storage.index);
  return archive;
}

}  // namespace pixeldex::server

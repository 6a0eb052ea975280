#include "server/commands/writable_archive.h"

#include <dcmtk/oflog/oflog.h>
#include <signal.h>

#include <filesystem>

#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");

void OnSignal(int) { g_cancel.store(true); }

}  // namespace

ingest::IngestOptions IngestOptionsFrom(const Settings& settings) {
  ingest::IngestOptions options;
  options.duplicates = settings.storage.duplicates;
  options.thumbnails = settings.thumbnails.enabled;
  options.thumbnail.max_size = settings.thumbnails.max_size;
  return options;
}

std::unique_ptr<WritableArchive> OpenWritableArchive(const Settings& settings) {
  auto archive = std::make_unique<WritableArchive>();
  archive->store =
      std::make_unique<storage::FileStore>(storage::StorageLayout(settings.storage.root));
  std::error_code ec;
  std::filesystem::create_directories(archive->store->layout().IncomingDir(), ec);
  if (ec) {
    LogError("cannot create {}: {}", archive->store->layout().IncomingDir().string(), ec.message());
    return nullptr;
  }
  auto writer = index::IndexWriter::Open(settings.storage.index);
  if (!writer.ok()) {
    LogError("cannot open the index {}: {}", settings.storage.index, writer.status().ToString());
    return nullptr;
  }
  archive->writer = std::move(writer).value();
  archive->pipeline = std::make_unique<ingest::IngestPipeline>(*archive->store, *archive->writer,
                                                               IngestOptionsFrom(settings));
  return archive;
}

void ConfigureBatchLog(const Settings& settings) {
  OFLog::configure(settings.log.level == LogLevel::kDebug ? OFLogger::INFO_LOG_LEVEL
                                                          : OFLogger::FATAL_LOG_LEVEL);
}

const std::atomic<bool>* CancelOnSignals() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return &g_cancel;
}

}  // namespace pixeldex::server

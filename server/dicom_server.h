#pragma once
// DicomServer: the DICOM listener. Start() opens the index and storage,
// reconciles what a crash left behind, and binds the port; Run() accepts
// associations, each served on its own thread, until Stop() is called (from
// any thread or a signal handler's strand); then it waits for every
// association to finish its current operation and returns.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <dcmtk/dcmnet/assoc.h>

#include "catalog/index/index_writer.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"
#include "server/association/server_context.h"
#include "server/config/settings.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {

class DicomServer {
 public:
  explicit DicomServer(Settings settings);
  ~DicomServer();

  // Prepares storage and index and listens; returns the bound port (useful
  // with port 0).
  Result<int> Start();
  // Accepts and serves associations until Stop(); returns when all finished.
  void Run();
  // Thread-safe and async-signal-safe enough for an asio signal handler.
  void Stop();

  // Replaces the access lists (for SIGHUP); associations already accepted
  // keep the lists they were negotiated with. Thread-safe; on error the
  // current lists stay.
  Status ReloadAccess(const AccessSettings& lists);
  // Ok when the accept loop runs (it polled within the last few seconds and
  // is not stopping), the index can be read, and storage is above its
  // free-space threshold; otherwise says which is not. Thread-safe.
  Status CheckHealth() const;
  // What the server counts; valid from construction, updated from any thread.
  const metrics::ServerMetrics& metrics() const { return metrics_; }

 private:
  void Serve(T_ASC_Association* assoc);
  // Index size and free disk, read when the metrics are rendered.
  void AddComputedMetrics();

  Settings settings_;
  AccessControl access_;
  metrics::ServerMetrics metrics_;
  std::atomic<bool> stopping_{false};
  // steady_clock seconds of the accept loop's last poll (for CheckHealth).
  std::atomic<int64_t> last_accept_poll_{0};
  std::unique_ptr<storage::FileStore> store_;
  std::unique_ptr<index::IndexWriter> writer_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<ServerContext> context_;
  T_ASC_Network* network_ = nullptr;

  std::mutex active_mutex_;
  std::condition_variable active_changed_;
  int active_associations_ = 0;
};

}  // namespace pixeldex::server

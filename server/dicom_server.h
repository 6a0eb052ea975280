#pragma once
// DicomServer: the DICOM listener. Start() opens the index and storage,
// binds the port (and the TLS port when tls.enabled; a busy port fails at
// once), then reconciles what a crash left behind; Run() accepts
// associations on both (none before reconciling is done), and applies the
// retention rules every retention.interval_seconds, until Stop() is
// called (from any thread or a signal handler's strand), then waits for every
// association to finish its current operation and returns.
//
// Each accepted connection gets its own thread at once, before its
// A-ASSOCIATE-RQ is read: a peer that is slow to negotiate never delays other
// callers. Each port has its own NegotiationBudget (listener/
// negotiation_budget.h): at most network.max_associations connections
// negotiate on it at a time, at most network.max_negotiating_per_peer of them
// from one address, and each must deliver its A-ASSOCIATE-RQ within
// network.associate_request_timeout. At most network.max_associations
// associations are served; further callers wait in the kernel's backlog or
// are rejected (transient, local limit exceeded).

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmlayer.h>

#include "catalog/common/periodic_task.h"
#include "catalog/index/index_writer.h"
#include "catalog/index/reader_pool.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"
#include "server/association/server_context.h"
#include "server/catalog_archive.h"
#include "server/config/settings.h"
#include "server/listener/accept_notifying_layer.h"
#include "server/listener/negotiation_budget.h"
#include "server/metrics/server_metrics.h"
#include "server/tls/tls_transport.h"

namespace pixeldex::server {

class DicomServer {
 public:
  explicit DicomServer(Settings settings);
  ~DicomServer();

  // Prepares storage and index and listens; returns the bound port (useful
  // with port 0).
  Result<int> Start();
  // The bound TLS port after Start(), or -1 when TLS is off.
  int tls_port() const { return tls_port_; }
  // Accepts and serves associations until Stop(); returns when all finished.
  void Run();
  // Thread-safe and async-signal-safe enough for an asio signal handler.
  void Stop();

  // Replaces the access lists (for SIGHUP); associations already accepted
  // keep the lists they were negotiated with. Thread-safe; on error the
  // current lists stay.
  Status ReloadAccess(const AccessSettings& lists);
  // Ok when the accept loop runs (it polled within the last few seconds and
  // is not stopping), no port has all its negotiation slots taken, the index
  // can be read, and storage is above its free-space threshold; otherwise
  // says which is not. Thread-safe.
  Status CheckHealth() const;
  // What the server counts; valid from construction, updated from any thread.
  const metrics::ServerMetrics& metrics() const { return metrics_; }
  // The pipeline, store and counters every front end shares (STOW-RS stores
  // through it as C-STORE does); valid once Start() succeeded.
  const ServerContext& context() const { return *context_; }

 private:
  struct Handoff;
  // Opens a listening network on `port` whose connections `inner` creates.
  Result<T_ASC_Network*> Listen(int port, DcmTransportLayer& inner,
                                std::unique_ptr<AcceptNotifyingLayer>& hook);
  // Opens the TLS listener (PS3.15 Annex B) when tls.enabled.
  Status StartTls();
  // Builds the requestor TLS transport when a move destination uses TLS.
  Status StartMoveTls();
  // Hands each incoming connection of `network` to a new thread until Stop(),
  // within the port's `budget`.
  void AcceptLoop(T_ASC_Network* network, NegotiationBudget& budget);
  // On its own thread: accepts one connection in the reserved `slot`,
  // negotiates, serves.
  void ReceiveAndServe(T_ASC_Network* network, NegotiationBudget& budget,
                       NegotiationBudget::SlotId slot, std::shared_ptr<Handoff> handoff);
  // The negotiation limits of one port.
  NegotiationBudget::Limits NegotiationLimits() const;
  void Serve(T_ASC_Association* assoc);
  // Index size and free disk, read when the metrics are rendered.
  void AddComputedMetrics();
  // Applies the retention rules every retention.interval_seconds on a
  // thread of its own while Run() serves; null when no rule is on.
  std::unique_ptr<PeriodicTask> StartRetentionTimer();

  Settings settings_;
  AccessControl access_;
  metrics::ServerMetrics metrics_;
  std::atomic<bool> stopping_{false};
  // steady_clock seconds of the accept loop's last poll (for CheckHealth).
  std::atomic<int64_t> last_accept_poll_{0};
  // Store, index writer, pipeline and the read-only index connections
  // shared by associations (outlives context_).
  std::unique_ptr<CatalogArchive> archive_;
  std::unique_ptr<ServerContext> context_;
  DcmTransportLayer plain_layer_;
  std::unique_ptr<AcceptNotifyingLayer> plain_hook_;
  T_ASC_Network* network_ = nullptr;
  std::unique_ptr<NegotiationBudget> plain_budget_;
  std::unique_ptr<TlsTransport> tls_;
  std::unique_ptr<AcceptNotifyingLayer> tls_hook_;
  T_ASC_Network* tls_network_ = nullptr;
  std::unique_ptr<NegotiationBudget> tls_budget_;
  int tls_port_ = -1;
  std::unique_ptr<TlsTransport> move_tls_;  // for tls:// move destinations

  std::mutex active_mutex_;
  std::condition_variable active_changed_;
  int active_associations_ = 0;
};

}  // namespace pixeldex::server

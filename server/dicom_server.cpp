#include "server/dicom_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "catalog/common/periodic_task.h"
#include "catalog/index/schema.h"
#include "catalog/query/index_reader.h"
#include "catalog/reconcile/reconciler.h"
#include "server/association/association_session.h"
#include "server/association/association_socket.h"
#include "server/association/network_initialization.h"
#include "server/association/tcp_nodelay.h"
#include "server/config/environment_settings.h"
#include "server/dimse/archive_room.h"
#include "server/dimse/store_handler.h"
#include "server/retrieve/move_destinations.h"

namespace pixeldex::server {
namespace {

// How often the accept loop wakes up to notice Stop().
constexpr int kAcceptPollMs = 1000;

// Association threads get a 64 MiB stack (address space; pages are used only
// as touched): DCMTK's parser recurses per nested sequence level (~2 KiB a
// level), and PduInspector bounds in-memory request data sets so that their
// nesting fits in it several times over.
constexpr size_t kAssociationStackBytes = size_t{64} << 20;

// Runs `task` on a new detached thread with kAssociationStackBytes of stack.
bool StartAssociationThread(std::function<void()> task) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kAssociationStackBytes);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  auto* owned = new std::function<void()>(std::move(task));
  pthread_t thread;
  const int rc = ::pthread_create(
      &thread, &attr,
      [](void* arg) -> void* {
        std::unique_ptr<std::function<void()>> run(static_cast<std::function<void()>*>(arg));
        (*run)();
        return nullptr;
      },
      owned);
  pthread_attr_destroy(&attr);
  if (rc != 0) delete owned;
  return rc == 0;
}

int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Reads the port the listening socket is bound to (for port 0).
int BoundPort(T_ASC_Network* network) {
  DcmNativeSocketType fd = DUL_networkSocket(network->network);
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

// The test seam of kTestThrowOnCommandVariable: throws on requests with that
// command field; empty (no seam) when the variable is unset.
std::function<void(unsigned)> ThrowOnCommandFromEnvironment() {
  const char* value = std::getenv(kTestThrowOnCommandVariable);
  if (value == nullptr) return {};
  const unsigned command = static_cast<unsigned>(std::strtoul(value, nullptr, 0));
  LogWarning("{} is set: DIMSE command 0x{:04X} will throw (a test seam)",
             kTestThrowOnCommandVariable, command);
  return [command](unsigned command_field) {
    if (command_field == command) throw std::runtime_error("thrown by the test seam");
  };
}

}  // namespace

DicomServer::DicomServer(Settings settings) : settings_(std::move(settings)) {}

DicomServer::~DicomServer() {
  if (network_ != nullptr) ASC_dropNetwork(&network_);
  if (tls_network_ != nullptr) ASC_dropNetwork(&tls_network_);
}

Result<int> DicomServer::Start() {
  PIXELDEX_RETURN_IF_ERROR(ReloadAccess(settings_.access));
  auto archive = CatalogArchive::Open(settings_, CatalogArchive::Role::kServer);
  if (!archive.ok()) return archive.status();
  archive_ = std::move(archive).value();
  PIXELDEX_RETURN_IF_ERROR(StartMoveTls());
  context_ = std::make_unique<ServerContext>(
      ServerContext{settings_, access_, archive_->pipeline(), archive_->store(), archive_->writer(),
                    [this] { return archive_->readers().Acquire(); },
                    [this] { return archive_->OpenFindReader(); }, stopping_, metrics_,
                    move_tls_.get(), ThrowOnCommandFromEnvironment()});
  AddComputedMetrics();

  dcmConnectionTimeout.set(settings_.network.acse_timeout_seconds);
  // Socket timeouts (60 s by default) bound DCMTK's TLS handshake and its
  // blocking reads and writes inside a PDU. DCMTK applies these to each
  // accepted socket, and to each it connects (C-MOVE sub-associations): the
  // ACSE timeout while negotiating; ReceiveAndServe and StoreAssociation then
  // set the DIMSE timeout on the socket of an established association.
  dcmSocketReceiveTimeout.set(settings_.network.acse_timeout_seconds);
  dcmSocketSendTimeout.set(settings_.network.acse_timeout_seconds);
  auto network = Listen(settings_.network.port, plain_layer_, plain_hook_);
  if (!network.ok()) return network.status();
  network_ = *network;
  plain_budget_ = std::make_unique<NegotiationBudget>(NegotiationLimits());
  PIXELDEX_RETURN_IF_ERROR(StartTls());
  // Bound first, so that a busy port fails the start at once; connections
  // wait in the backlog until Run() accepts them, after reconciling: catalog
  // the files a crash left without rows (the in-flight journal; the whole
  // tree at the first start or with storage.walk_at_start, which also
  // reports rows whose file is gone).
  if (auto shortfall = FreeSpaceShortfall(archive_->store(), settings_.storage.min_free_mb)) {
    LogWarning("storage {}: {}; C-STOREs are refused (A700) until space is freed",
               settings_.storage.root, *shortfall);
  }
  reconcile::ReconcileOptions reconcile_options;
  reconcile_options.use_journal = true;
  reconcile_options.force_walk = settings_.storage.walk_at_start;
  // On PostgreSQL several nodes may share the archive: each reconciles only
  // its own in-flight files (catalog/reconcile/reconciler.h).
  reconcile_options.shared_archive = archive_->on_postgres();
  auto reconciled =
      reconcile::Reconcile(archive_->pipeline(), archive_->store(), archive_->writer(),
                           settings_.storage.index, reconcile_options);
  if (!reconciled.ok()) return reconciled.status();
  reconcile::LogReport(*reconciled, "start-up");
  // Retention (and recycling down to storage.max_size_mb) before the first
  // association: what the rules remove is in the events. On PostgreSQL a
  // node waits for another's pass, then finds what it left (recycler.h).
  auto recycled = reconcile::Recycle(archive_->store().file_system(), archive_->store().layout(),
                                     archive_->writer(),
                                     settings_.storage.index,
                                     RecyclePolicyOf(settings_.storage),
                                     std::chrono::system_clock::now(), 0);
  if (!recycled.ok()) return recycled.status();
  last_accept_poll_.store(SteadySeconds());
  return BoundPort(network_);
}

Result<T_ASC_Network*> DicomServer::Listen(int port, DcmTransportLayer& inner,
                                           std::unique_ptr<AcceptNotifyingLayer>& hook) {
  T_ASC_Network* network = nullptr;
  OFCondition cond = InitializeNetwork(NET_ACCEPTOR, port,
                                           settings_.network.acse_timeout_seconds, &network);
  if (cond.bad()) {
    return Status::IoError("cannot listen on port " + std::to_string(port) + ": " + cond.text());
  }
  hook = std::make_unique<AcceptNotifyingLayer>(inner);
  cond = ASC_setTransportLayer(network, hook.get(), 0);
  if (cond.bad()) {
    ASC_dropNetwork(&network);
    return Status::Internal(std::string("cannot install the transport layer: ") + cond.text());
  }
  return network;
}

Status DicomServer::StartMoveTls() {
  auto destinations = ParseMoveDestinations(settings_.move.destinations);
  if (!destinations.ok()) return destinations.status();
  if (!AnyUsesTls(*destinations)) return Status::Ok();
  // PS3.15 B.1: the requestor offers our certificate (when tls.certificate is
  // set) and verifies the destination's per tls.verify_peer.
  auto transport = TlsTransport::Create(settings_.tls, NET_REQUESTOR);
  if (!transport.ok()) {
    return Status::InvalidArgument("move.destinations has a tls:// destination, but " +
                                   transport.status().message());
  }
  move_tls_ = std::move(transport).value();
  if (settings_.tls.verify_peer == PeerVerification::kNone) {
    LogWarning("tls:// move destinations are not authenticated (tls.verify_peer = none)");
  }
  return Status::Ok();
}

Status DicomServer::StartTls() {
  if (!settings_.tls.enabled) return Status::Ok();
  auto transport = TlsTransport::Create(settings_.tls, NET_ACCEPTOR);
  if (!transport.ok()) return transport.status();
  tls_ = std::move(transport).value();
  auto network = Listen(settings_.tls.port, tls_->layer(), tls_hook_);
  if (!network.ok()) return Status::IoError("TLS: " + network.status().message());
  tls_network_ = *network;
  tls_budget_ = std::make_unique<NegotiationBudget>(NegotiationLimits());
  tls_port_ = BoundPort(tls_network_);
  return Status::Ok();
}

void DicomServer::Stop() { stopping_.store(true); }

// The accept loop waits for the thread it started until that thread has
// accepted its connection (or found none), so that only one thread at a time
// waits on the listening socket.
struct DicomServer::Handoff {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  bool accepted = false;

  void Signal(bool connection_accepted) {
    std::lock_guard lock(mutex);
    if (done) return;
    done = true;
    accepted = connection_accepted;
    changed.notify_all();
  }
  // Returns whether a connection was accepted.
  bool Wait() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [this] { return done; });
    return accepted;
  }
};

std::unique_ptr<PeriodicTask> DicomServer::StartRetentionTimer() {
  const reconcile::RecyclePolicy policy = RecyclePolicyOf(settings_.storage);
  if (policy.max_age_days <= 0 && policy.max_size_bytes <= 0) return nullptr;
  try {
    return std::make_unique<PeriodicTask>(
        "retention", std::chrono::seconds(settings_.storage.retention_interval_seconds), [this] {
          auto report = ApplyRetention(*context_, stopping_);
          if (!report.ok()) LogError("retention: {}", report.status().ToString());
        });
  } catch (const std::system_error& e) {
    LogError("cannot start the retention timer ({}): the rules run only at start and from "
             "'pixeldex recycle'",
             e.what());
    return nullptr;
  }
}

void DicomServer::Run() {
  std::unique_ptr<PeriodicTask> retention = StartRetentionTimer();
  std::thread tls_loop;
  if (tls_network_ != nullptr) {
    tls_loop = std::thread([this] { AcceptLoop(tls_network_, *tls_budget_); });
  }
  AcceptLoop(network_, *plain_budget_);
  if (tls_loop.joinable()) tls_loop.join();
  // Stopping: a pass in progress ends after its current study; joined here.
  retention.reset();
  // Connections still negotiating end by their request deadline.
  for (NegotiationBudget* budget : {plain_budget_.get(), tls_budget_.get()}) {
    while (budget != nullptr &&
           !budget->WaitUntilIdle(std::chrono::milliseconds(kAcceptPollMs))) {
      budget->CloseOverdue(NegotiationBudget::Clock::now());
    }
  }
  std::unique_lock lock(active_mutex_);
  active_changed_.wait(lock, [this] { return active_associations_ == 0; });
}

NegotiationBudget::Limits DicomServer::NegotiationLimits() const {
  const NetworkSettings& net = settings_.network;
  return {net.max_associations, std::min(net.max_negotiating_per_peer, net.max_associations),
          std::chrono::seconds(net.associate_request_timeout_seconds)};
}

void DicomServer::AcceptLoop(T_ASC_Network* network, NegotiationBudget& budget) {
  const int listen_fd = DUL_networkSocket(network->network);
  while (!stopping_.load()) {
    last_accept_poll_.store(SteadySeconds());
    budget.CloseOverdue(NegotiationBudget::Clock::now());
    // Bounds the threads a flood of silent connections can cost.
    if (!budget.WaitForSlot(std::chrono::milliseconds(kAcceptPollMs))) continue;
    pollfd incoming{listen_fd, POLLIN, 0};
    if (::poll(&incoming, 1, kAcceptPollMs) <= 0) continue;
    const NegotiationBudget::SlotId slot = budget.Reserve();
    auto handoff = std::make_shared<Handoff>();
    const bool started = StartAssociationThread(
        [this, network, &budget, slot, handoff] { ReceiveAndServe(network, budget, slot, handoff); });
    if (started && handoff->Wait()) continue;
    if (!started) {
      LogError("cannot start a thread for an incoming connection; retrying");
      budget.Release(slot);
    }
    // Nothing was accepted (no thread, or accept failed, e.g. out of file
    // descriptors): back off until an association ends or a poll interval
    // passes, rather than spin on a socket that stays readable.
    std::unique_lock lock(active_mutex_);
    active_changed_.wait_for(lock, std::chrono::milliseconds(kAcceptPollMs));
  }
}

void DicomServer::ReceiveAndServe(T_ASC_Network* network, NegotiationBudget& budget,
                                  NegotiationBudget::SlotId slot,
                                  std::shared_ptr<Handoff> handoff) {
  const NetworkSettings& net = settings_.network;
  DcmNativeSocketType accepted = DCMNET_INVALID_SOCKET;
  std::string peer;
  bool refused = false;
  AcceptNotifyingLayer::OnAcceptOnThisThread([&, handoff](DcmNativeSocketType socket) {
    accepted = socket;
    DisableNagle(socket);
    peer = PeerAddressOf(socket);
    // Over its address's share: its reads (and TLS handshake) end at once.
    refused = !budget.Admit(slot, socket, peer, NegotiationBudget::Clock::now());
    if (refused) ::shutdown(socket, SHUT_RDWR);
    handoff->Signal(true);
  });
  const bool use_tls = network == tls_network_;
  const char* label = use_tls ? "TLS " : "";
  T_ASC_Association* assoc = nullptr;
  // The connection is pending: accept returns at once, then the A-ASSOCIATE-RQ
  // (and, on the TLS port, the handshake) must arrive before the slot's
  // deadline (and each read within network.acse_timeout).
  OFCondition cond = ASC_receiveAssociation(network, &assoc, net.max_pdu, nullptr, nullptr,
                                            use_tls, DUL_NOBLOCK, kAcceptPollMs / 1000);
  AcceptNotifyingLayer::OnAcceptOnThisThread(nullptr);
  handoff->Signal(false);  // when no connection was accepted after all
  const bool overdue = budget.Disarm(slot);
  // A peer that stalls inside a PDU, or stops reading our responses, is
  // dropped after the DIMSE timeout from now on.
  if (cond.good() && !refused && !overdue) SetSocketTimeouts(accepted, net.dimse_timeout_seconds);
  bool serve = false;
  if (cond == DUL_NOASSOCIATIONREQUEST) {
    ASC_destroyAssociation(&assoc);
  } else if (refused || overdue || cond.bad()) {
    if (refused) {
      LogWarning({{"peer", peer}, {"outcome", "refused"}},
                 "{}connection from {} refused: {} connections from that address are negotiating"
                 " (network.max_negotiating_per_peer)",
                 label, peer, budget.limits().per_peer);
    } else if (overdue) {
      LogWarning({{"peer", peer}, {"outcome", "closed"}},
                 "{}connection from {} closed: no association request within {} s"
                 " (network.associate_request_timeout)",
                 label, peer, settings_.network.associate_request_timeout_seconds);
    } else if (assoc != nullptr) {
      const char* from = assoc->params->DULparams.callingPresentationAddress;
      LogWarning({{"peer", from}, {"outcome", "failed"}, {"reason", cond.text()}},
                 "{}association request from {} failed: {}", label, from, cond.text());
    } else {
      LogWarning("{}association request failed: {}", label, cond.text());
    }
    if (assoc != nullptr) {
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    }
  } else {
    std::lock_guard lock(active_mutex_);
    serve = active_associations_ < net.max_associations;
    if (serve) ++active_associations_;
  }
  if (assoc != nullptr && !serve) RejectOverLimit(assoc, *context_);
  budget.Release(slot);
  {
    std::lock_guard lock(active_mutex_);
    active_changed_.notify_all();
  }
  if (serve) Serve(assoc);
}

void DicomServer::Serve(T_ASC_Association* assoc) {
  metrics_.associations_active.Add(1);
  {
    // The association thread's catch boundary: whatever throws while this
    // association is served ends this association only.
    AssociationSession session(assoc, *context_);
    const Status unexpected = CatchUnexpected("association", [&] { session.Run(); });
    if (!unexpected.ok()) session.AbortAfter(unexpected);
  }
  metrics_.associations_active.Add(-1);
  std::lock_guard lock(active_mutex_);
  --active_associations_;
  active_changed_.notify_all();
}

Status DicomServer::ReloadAccess(const AccessSettings& lists) {
  auto policy = AccessPolicy::Parse(lists.allowed_callers, lists.store_callers,
                                    lists.find_callers, lists.retrieve_callers);
  if (!policy.ok()) return policy.status();
  access_.Replace(std::move(policy).value());
  return Status::Ok();
}

Status DicomServer::CheckHealth() const {
  if (context_ == nullptr || stopping_.load()) {
    return Status::Internal("dicom: not accepting associations");
  }
  // The accept loop polls every kAcceptPollMs, and waits while
  // network.max_associations connections negotiate (each bounded by the ACSE
  // timeout).
  const int64_t allowed = settings_.network.acse_timeout_seconds + 2 * kAcceptPollMs / 1000;
  if (SteadySeconds() - last_accept_poll_.load() > allowed) {
    return Status::Internal("dicom: the accept loop is stalled");
  }
  // Connections that have not sent their A-ASSOCIATE-RQ hold every slot of
  // a port: new callers wait (until network.associate_request_timeout frees
  // slots).
  for (const auto& [budget, port] : {std::pair{plain_budget_.get(), "DICOM"},
                                     std::pair{tls_budget_.get(), "DICOM TLS"}}) {
    if (budget != nullptr && budget->Exhausted()) {
      return Status::ResourceExhausted(
          fmt::format("dicom: all {} negotiation slots of the {} port are taken by connections"
                      " that have not sent their association request",
                      budget->limits().per_port, port));
    }
  }
  auto reader = context_->open_find_reader();
  Status readable = reader.ok() ? query::CheckReadable(**reader) : reader.status();
  if (!readable.ok()) return Status::IoError("index: " + readable.message());
  if (auto shortfall = FreeSpaceShortfall(archive_->store(), settings_.storage.min_free_mb)) {
    return Status::ResourceExhausted("storage: " + *shortfall);
  }
  return Status::Ok();
}

void DicomServer::AddComputedMetrics() {
  const std::string index = settings_.storage.index;
  metrics_.registry.AddComputedGauge(
      "pixeldex_index_size_bytes", "Size of the SQLite index, with its write-ahead log.",
      [index](double* value) {
        std::error_code ec;
        const auto main = std::filesystem::file_size(index, ec);
        if (ec) return false;
        const auto wal = std::filesystem::file_size(index + "-wal", ec);
        *value = static_cast<double>(main + (ec ? 0 : wal));
        return true;
      });
  const storage::FileStore* store = &archive_->store();
  metrics_.registry.AddComputedGauge(
      "pixeldex_storage_free_bytes", "Bytes available to pixeldex on the storage file system.",
      [store](double* value) {
        auto free_bytes = store->FreeBytes();
        if (free_bytes.ok()) *value = static_cast<double>(*free_bytes);
        return free_bytes.ok();
      });
}


}  // namespace pixeldex::server

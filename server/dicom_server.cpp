#include "server/dicom_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>

#include <chrono>
#include <functional>
#include <thread>

#include "catalog/common/log.h"
#include "catalog/index/schema.h"
#include "server/association/association_session.h"

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

// DCMTK disables Nagle only when the TCP_NODELAY environment variable is set;
// without it every DIMSE exchange stalls ~40 ms on delayed ACKs. pixeldex sets
// the option on each accepted socket itself (plain and TLS, before the
// handshake), whatever the environment says.
void DisableNagle(DcmNativeSocketType socket) {
  const int one = 1;
  if (::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    LogWarning("cannot set TCP_NODELAY on an accepted connection");
  }
}

// DCMTK does the TLS handshake, and reads the rest of a PDU whose header has
// arrived, in blocking mode, bounded only by these socket timeouts.
void SetSocketTimeouts(DcmNativeSocketType socket, int seconds) {
  const timeval limit{seconds, 0};
  ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
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

}  // namespace

DicomServer::DicomServer(Settings settings) : settings_(std::move(settings)) {}

DicomServer::~DicomServer() {
  if (network_ != nullptr) ASC_dropNetwork(&network_);
  if (tls_network_ != nullptr) ASC_dropNetwork(&tls_network_);
}

Result<int> DicomServer::Start() {
  auto access = AccessPolicy::Parse(settings_.access.allowed_callers,
                                    settings_.access.store_callers, settings_.access.find_callers);
  if (!access.ok()) return access.status();
  access_ = std::move(access).value();
  store_ = std::make_unique<storage::FileStore>(storage::StorageLayout(settings_.storage.root));
  auto removed = store_->Initialize();
  if (!removed.ok()) return removed.status();
  if (*removed > 0) {
    LogWarning("removed {} incomplete incoming file(s) left by an earlier run", *removed);
  }
  auto writer = index::IndexWriter::Open(settings_.storage.index);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  if (settings_.storage.history_days > 0) {
    Status pruned = writer_->PruneHistory(settings_.storage.history_days);
    if (!pruned.ok()) LogWarning("cannot prune the operational history: {}", pruned.ToString());
  }

  ingest::IngestOptions options;
  options.duplicates = settings_.storage.duplicates;
  options.thumbnails = settings_.thumbnails.enabled;
  options.thumbnail.max_size = settings_.thumbnails.max_size;
  pipeline_ = std::make_unique<ingest::IngestPipeline>(*store_, *writer_, options);
  const std::string index_path = settings_.storage.index;
  context_ = std::make_unique<ServerContext>(ServerContext{
      settings_, access_, *pipeline_, *store_, *writer_,
      [index_path]() -> Result<index::Db> {
        auto db = index::Db::Open(index_path, index::Db::Mode::kReadOnly);
        if (db.ok()) PIXELDEX_RETURN_IF_ERROR(index::PrepareForReading(*db));
        return db;
      },
      stopping_});

  dcmConnectionTimeout.set(settings_.network.acse_timeout_seconds);
  // Socket timeouts (60 s by default) bound DCMTK's TLS handshake and its
  // blocking reads and writes inside a PDU. DCMTK applies these to each
  // accepted socket: the ACSE timeout while negotiating; ReceiveAndServe then
  // sets the DIMSE timeout on the socket of an accepted association.
  dcmSocketReceiveTimeout.set(settings_.network.acse_timeout_seconds);
  dcmSocketSendTimeout.set(settings_.network.acse_timeout_seconds);
  auto network = Listen(settings_.network.port, plain_layer_, plain_hook_);
  if (!network.ok()) return network.status();
  network_ = *network;
  PIXELDEX_RETURN_IF_ERROR(StartTls());
  return BoundPort(network_);
}

Result<T_ASC_Network*> DicomServer::Listen(int port, DcmTransportLayer& inner,
                                           std::unique_ptr<AcceptNotifyingLayer>& hook) {
  T_ASC_Network* network = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_ACCEPTOR, port,
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

Status DicomServer::StartTls() {
  if (!settings_.tls.enabled) return Status::Ok();
  auto transport = TlsTransport::Create(settings_.tls, NET_ACCEPTOR);
  if (!transport.ok()) return transport.status();
  tls_ = std::move(transport).value();
  auto network = Listen(settings_.tls.port, tls_->layer(), tls_hook_);
  if (!network.ok()) return Status::IoError("TLS: " + network.status().message());
  tls_network_ = *network;
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

void DicomServer::Run() {
  std::thread tls_loop;
  if (tls_network_ != nullptr) tls_loop = std::thread([this] { AcceptLoop(tls_network_); });
  AcceptLoop(network_);
  if (tls_loop.joinable()) tls_loop.join();
  std::unique_lock lock(active_mutex_);
  active_changed_.wait(lock, [this] { return active_associations_ == 0 && negotiating_ == 0; });
}

void DicomServer::AcceptLoop(T_ASC_Network* network) {
  const int listen_fd = DUL_networkSocket(network->network);
  while (!stopping_.load()) {
    {
      // Bounds the threads a flood of silent connections can cost.
      std::unique_lock lock(active_mutex_);
      if (!active_changed_.wait_for(lock, std::chrono::milliseconds(kAcceptPollMs), [this] {
            return negotiating_ < settings_.network.max_associations;
          })) {
        continue;
      }
    }
    pollfd incoming{listen_fd, POLLIN, 0};
    if (::poll(&incoming, 1, kAcceptPollMs) <= 0) continue;
    {
      std::lock_guard lock(active_mutex_);
      ++negotiating_;
    }
    auto handoff = std::make_shared<Handoff>();
    const bool started =
        StartAssociationThread([this, network, handoff] { ReceiveAndServe(network, handoff); });
    if (started && handoff->Wait()) continue;
    std::unique_lock lock(active_mutex_);
    if (!started) {
      LogError("cannot start a thread for an incoming connection; retrying");
      --negotiating_;
    }
    // Nothing was accepted (no thread, or accept failed, e.g. out of file
    // descriptors): back off until an association ends or a poll interval
    // passes, rather than spin on a socket that stays readable.
    active_changed_.wait_for(lock, std::chrono::milliseconds(kAcceptPollMs));
  }
}

void DicomServer::ReceiveAndServe(T_ASC_Network* network, std::shared_ptr<Handoff> handoff) {
  const NetworkSettings& net = settings_.network;
  DcmNativeSocketType accepted = DCMNET_INVALID_SOCKET;
  AcceptNotifyingLayer::OnAcceptOnThisThread([&, handoff](DcmNativeSocketType socket) {
    accepted = socket;
    DisableNagle(socket);
    handoff->Signal(true);
  });
  const bool use_tls = network == tls_network_;
  const char* label = use_tls ? "TLS " : "";
  T_ASC_Association* assoc = nullptr;
  // The connection is pending: accept returns at once, then the A-ASSOCIATE-RQ
  // (and, on the TLS port, the handshake) may take up to network.acse_timeout.
  OFCondition cond = ASC_receiveAssociation(network, &assoc, net.max_pdu, nullptr, nullptr,
                                            use_tls, DUL_NOBLOCK, kAcceptPollMs / 1000);
  AcceptNotifyingLayer::OnAcceptOnThisThread(nullptr);
  handoff->Signal(false);  // when no connection was accepted after all
  // A peer that stalls inside a PDU, or stops reading our responses, is
  // dropped after the DIMSE timeout from now on.
  if (cond.good()) SetSocketTimeouts(accepted, net.dimse_timeout_seconds);
  bool serve = false;
  if (cond == DUL_NOASSOCIATIONREQUEST) {
    ASC_destroyAssociation(&assoc);
  } else if (cond.bad()) {
    if (assoc != nullptr) {
      LogWarning("{}association request from {} failed: {}", label,
                 assoc->params->DULparams.callingPresentationAddress, cond.text());
      ASC_dropAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    } else {
      LogWarning("{}association request failed: {}", label, cond.text());
    }
  } else {
    std::lock_guard lock(active_mutex_);
    serve = active_associations_ < net.max_associations;
    if (serve) ++active_associations_;
  }
  if (assoc != nullptr && !serve) RejectOverLimit(assoc, *writer_);
  {
    std::lock_guard lock(active_mutex_);
    --negotiating_;
    active_changed_.notify_all();
  }
  if (serve) Serve(assoc);
}

void DicomServer::Serve(T_ASC_Association* assoc) {
  {
    AssociationSession session(assoc, *context_);
    session.Run();
  }
  std::lock_guard lock(active_mutex_);
  --active_associations_;
  active_changed_.notify_all();
}

}  // namespace pixeldex::server

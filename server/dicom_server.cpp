#include "server/dicom_server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>

#include <thread>

#include "catalog/common/log.h"
#include "catalog/index/schema.h"
#include "catalog/reconcile/reconciler.h"
#include "server/association/association_session.h"
#include "server/association/tcp_nodelay.h"

namespace pixeldex::server {
namespace {

// How often the accept loop wakes up to notice Stop().
constexpr int kAcceptPollSeconds = 1;

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
}

Result<int> DicomServer::Start() {
  auto access = AccessPolicy::Parse(settings_.access.allowed_callers,
                                    settings_.access.store_callers, settings_.access.find_callers,
                                    settings_.access.retrieve_callers);
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
  // Before listening: catalog files a crash left without rows, report rows
  // whose file is gone.
  auto reconciled = reconcile::Reconcile(*pipeline_, *store_, *writer_, settings_.storage.index, {});
  if (!reconciled.ok()) return reconciled.status();
  reconcile::LogReport(*reconciled, "start-up");
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
  OFCondition cond = ASC_initializeNetwork(NET_ACCEPTOR, settings_.network.port,
                                           settings_.network.acse_timeout_seconds, &network_);
  if (cond.bad()) {
    return Status::IoError("cannot listen on port " + std::to_string(settings_.network.port) +
                           ": " + cond.text());
  }
  return BoundPort(network_);
}

void DicomServer::Stop() { stopping_.store(true); }

void DicomServer::Run() {
  while (!stopping_.load()) {
    T_ASC_Association* assoc = nullptr;
    OFCondition cond = ASC_receiveAssociation(network_, &assoc, settings_.network.max_pdu, nullptr,
                                              nullptr, OFFalse, DUL_NOBLOCK, kAcceptPollSeconds);
    if (cond == DUL_NOASSOCIATIONREQUEST) {
      ASC_destroyAssociation(&assoc);
      continue;
    }
    if (cond.bad()) {
      if (assoc != nullptr) {
        LogWarning("association request from {} failed: {}",
                   assoc->params->DULparams.callingPresentationAddress, cond.text());
        ASC_dropAssociation(assoc);
        ASC_destroyAssociation(&assoc);
      } else {
        LogWarning("association request failed: {}", cond.text());
      }
      continue;
    }
    DisableNagle(assoc);
    {
      std::lock_guard lock(active_mutex_);
      if (active_associations_ >= settings_.network.max_associations) {
        RejectOverLimit(assoc, *writer_);
        continue;
      }
      ++active_associations_;
    }
    std::thread([this, assoc] { Serve(assoc); }).detach();
  }
  std::unique_lock lock(active_mutex_);
  active_changed_.wait(lock, [this] { return active_associations_ == 0; });
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

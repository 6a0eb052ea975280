#include "server/dicom_server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "catalog/common/log.h"
#include "catalog/index/schema.h"
#include "catalog/reconcile/reconciler.h"
#include "server/association/association_session.h"
#include "server/association/tcp_nodelay.h"
#include "server/dimse/store_handler.h"

namespace pixeldex::server {
namespace {

// How often the accept loop wakes up to notice Stop().
constexpr int kAcceptPollSeconds = 1;

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

}  // namespace

DicomServer::DicomServer(Settings settings) : settings_(std::move(settings)) {}

DicomServer::~DicomServer() {
  if (network_ != nullptr) ASC_dropNetwork(&network_);
}

Result<int> DicomServer::Start() {
  PIXELDEX_RETURN_IF_ERROR(ReloadAccess(settings_.access));
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
      stopping_, metrics_});
  AddComputedMetrics();

  dcmConnectionTimeout.set(settings_.network.acse_timeout_seconds);
  OFCondition cond = ASC_initializeNetwork(NET_ACCEPTOR, settings_.network.port,
                                           settings_.network.acse_timeout_seconds, &network_);
  if (cond.bad()) {
    return Status::IoError("cannot listen on port " + std::to_string(settings_.network.port) +
                           ": " + cond.text());
  }
  last_accept_poll_.store(SteadySeconds());
  return BoundPort(network_);
}

void DicomServer::Stop() { stopping_.store(true); }

void DicomServer::Run() {
  while (!stopping_.load()) {
    last_accept_poll_.store(SteadySeconds());
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
        RejectOverLimit(assoc, *context_);
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
  metrics_.associations_active.Add(1);
  {
    AssociationSession session(assoc, *context_);
    session.Run();
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
  // The accept loop polls every kAcceptPollSeconds, but reading one
  // A-ASSOCIATE-RQ may take up to the ACSE timeout.
  const int64_t allowed = settings_.network.acse_timeout_seconds + 2 * kAcceptPollSeconds;
  if (SteadySeconds() - last_accept_poll_.load() > allowed) {
    return Status::Internal("dicom: the accept loop is stalled");
  }
  auto db = context_->open_reader();
  Status readable = db.ok() ? db->Exec("SELECT 1 FROM instances LIMIT 1") : db.status();
  if (!readable.ok()) return Status::IoError("index: " + readable.message());
  if (BelowFreeSpaceThreshold(*context_)) {
    return Status::ResourceExhausted(
        "storage: below its free-space threshold (storage.min_free_mb)");
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
  const storage::FileStore* store = store_.get();
  metrics_.registry.AddComputedGauge(
      "pixeldex_storage_free_bytes", "Bytes available to pixeldex on the storage file system.",
      [store](double* value) {
        auto free_bytes = store->FreeBytes();
        if (free_bytes.ok()) *value = static_cast<double>(*free_bytes);
        return free_bytes.ok();
      });
}

}  // namespace pixeldex::server

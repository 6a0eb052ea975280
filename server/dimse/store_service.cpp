#include "server/dimse/store_service.h"

#include <fmt/format.h>

#include "server/association/counted_ingest.h"
#include "server/dimse/archive_room.h"
#include "server/dimse/dimse_status.h"

namespace pixeldex::server {

std::optional<std::string> FreeSpaceShortfall(const storage::FileStore& store,
                                              int64_t min_free_mb) {
  if (min_free_mb <= 0) return std::nullopt;
  const uint64_t minimum = static_cast<uint64_t>(min_free_mb) * 1024 * 1024;
  auto free_bytes = store.FreeBytesFor(minimum);
  if (!free_bytes.ok() || *free_bytes >= minimum) {
    return std::nullopt;
  }
  return fmt::format("free space {} MB is below storage.min_free_mb {}", *free_bytes >> 20,
                     min_free_mb);
}

StoreService::StoreService(const ServerContext& context, AssociationStats& stats,
                           StoreRequestFacts request)
    : context_(context), stats_(stats), request_(std::move(request)) {}

std::optional<std::string> StoreService::RefusalBeforeReceiving() const {
  if (auto shortfall = FreeSpaceShortfall(context_.store, context_.settings.storage.min_free_mb)) {
    return shortfall;
  }
  return ArchiveSizeShortfall(context_);
}

StoreAnswer StoreService::OutOfResources(const std::string& reason) {
  return Fail(STATUS_STORE_Refused_OutOfResources, reason);
}

void StoreService::ReceiveFailed(const std::string& reason) {
  ++stats_.store_failures;
  const std::string what = "receiving the data set failed: " + reason;
  LogResult(LogLevel::kError, std::nullopt, what);
  RecordStoreFailure(context_, request_.sop_instance_uid, request_.calling_aet, 0, what);
}

StoreAnswer StoreService::Ingest(storage::IncomingFile incoming, ingest::ReceivedCopy* received,
                                 const std::function<void(const StoreAnswer&)>& answer_early) {
  const StoreAnswer stored{STATUS_Success, {}};
  ingest::IngestRequest ingest_request;
  ingest_request.incoming_path = std::move(incoming).Release();
  ingest_request.expected_sop_class_uid = request_.sop_class_uid;
  ingest_request.expected_sop_instance_uid = request_.sop_instance_uid;
  ingest_request.provenance.source = ProvenanceSource::kNetwork;
  ingest_request.provenance.calling_aet = request_.calling_aet;
  ingest_request.provenance.called_aet = request_.called_aet;
  ingest_request.provenance.peer_address = request_.peer;
  if (answer_early) {
    ingest_request.on_indexed = [&](const ingest::IngestOutcome&) { answer_early(stored); };
  }

  Result<ingest::IngestOutcome> outcome = CountedIngest(context_, ingest_request, received);
  if (!outcome.ok()) {
    const Uint16 status = DimseStatusFor(DimseService::kStore, outcome.status());
    ++stats_.store_failures;
    LogResult(LogLevel::kError, status, outcome.status().ToString());
    RecordStoreFailure(context_, request_.sop_instance_uid, request_.calling_aet, status,
                       outcome.status().ToString());
    return {status, outcome.status().message()};
  }
  ++stats_.instances_stored;
  stats_.bytes_received += outcome->size_bytes;
  LogResult(LogLevel::kDebug, STATUS_Success, fmt::format("stored, {} bytes", outcome->size_bytes),
            outcome->sop_instance_uid);
  return stored;
}

StoreAnswer StoreService::Fail(Uint16 status, const std::string& reason) {
  ++stats_.store_failures;
  RecordStoreFailure(context_, request_.sop_instance_uid, request_.calling_aet, status, reason);
  LogResult(LogLevel::kError, status, reason);
  return {status, reason};
}

void StoreService::LogResult(LogLevel level, std::optional<Uint16> status, const std::string& what,
                             const std::string& stored_sop) const {
  if (!LogEnabled(level)) return;
  const std::string& sop = stored_sop.empty() ? request_.sop_instance_uid : stored_sop;
  const std::string status_hex = status ? fmt::format("{:04X}", *status) : "";
  const std::string outcome = status ? "status " + status_hex + ": " + what : what;
  Log(level,
      {{"calling_aet", request_.calling_aet},
       {"peer", request_.peer},
       {"sop_instance_uid", sop},
       {"sop_class_uid", request_.sop_class_uid},
       {"status", status_hex},
       {"reason", what}},
      "C-STORE from {} ({}) sop={} class={}: {}", request_.calling_aet, request_.peer, sop,
      request_.sop_class_uid, outcome);
}

}  // namespace pixeldex::server

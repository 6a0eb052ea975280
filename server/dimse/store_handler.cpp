#include "server/dimse/store_handler.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "catalog/common/log.h"
#include "server/association/counted_ingest.h"
#include "server/dimse/archive_room.h"
#include "server/dimse/dimse_status.h"
#include "server/dimse/latched_output_stream.h"
#include "server/dimse/request_refusal.h"

namespace pixeldex::server {
namespace {

OFCondition SendResponse(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                         const T_DIMSE_C_StoreRQ& request, Uint16 status,
                         const std::string& error_comment, const ServerContext& context) {
  context.metrics.stores.Increment(metrics::StatusLabel(status));
  T_DIMSE_C_StoreRSP response = StoreResponseTo(request, status);
  const std::unique_ptr<DcmDataset> detail = ErrorCommentDetail(error_comment);
  return DIMSE_sendStoreResponse(assoc, pres_id, &request, &response, detail.get());
}

std::string PeerOf(T_ASC_Association* assoc) {
  return assoc->params->DULparams.callingPresentationAddress;
}

// Logs one C-STORE's result: "C-STORE from AET (PEER) sop=UID class=UID:
// status XXXX: what", with each fact a field for JSON logs. `status` is empty
// when no response could be sent; `stored_sop`, when given, is the UID the
// data set itself carries (it may differ from the request's, see VR UN).
void LogStoreResult(LogLevel level, T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                    std::optional<Uint16> status, const std::string& what,
                    const std::string& stored_sop = "") {
  if (!LogEnabled(level)) return;
  const std::string sop = stored_sop.empty() ? request.AffectedSOPInstanceUID : stored_sop;
  const char* aet = assoc->params->DULparams.callingAPTitle;
  const std::string peer = PeerOf(assoc);
  const std::string status_hex = status ? fmt::format("{:04X}", *status) : "";
  const std::string outcome = status ? "status " + status_hex + ": " + what : what;
  Log(level,
      {{"calling_aet", aet},
       {"peer", peer},
       {"sop_instance_uid", sop},
       {"sop_class_uid", request.AffectedSOPClassUID},
       {"status", status_hex},
       {"reason", what}},
      "C-STORE from {} ({}) sop={} class={}: {}", aet, peer, sop, request.AffectedSOPClassUID,
      outcome);
}

// Records a refused or failed store in the history.
void RecordStoreFailure(const ServerContext& context, T_ASC_Association* assoc,
                        const T_DIMSE_C_StoreRQ& request, Uint16 status,
                        const std::string& reason) {
  server::RecordStoreFailure(context, request.AffectedSOPInstanceUID,
                             assoc->params->DULparams.callingAPTitle, status, reason);
}

// Answers A700 out of resources (PS3.4 B.2.3) to a store whose data set has
// been read off the wire, and records why.
OFCondition AnswerOutOfResources(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                 const T_DIMSE_C_StoreRQ& request, const ServerContext& context,
                                 const std::string& reason, AssociationStats& stats) {
  ++stats.store_failures;
  RecordStoreFailure(context, assoc, request, STATUS_STORE_Refused_OutOfResources, reason);
  LogStoreResult(LogLevel::kError, assoc, request, STATUS_STORE_Refused_OutOfResources, reason);
  return SendResponse(assoc, pres_id, request, STATUS_STORE_Refused_OutOfResources, reason,
                      context);
}

// Refuses the store without writing anything: the data set must still be
// read off the wire before the response can be sent (PS3.7 9.3.1.2).
OFCondition Refuse(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                   const T_DIMSE_C_StoreRQ& request, const ServerContext& context,
                   const std::string& reason, AssociationStats& stats) {
  const int timeout = context.settings.network.dimse_timeout_seconds;
  DIC_UL bytes_read = 0;
  DIC_UL pdv_count = 0;
  OFCondition drained =
      DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, timeout, &bytes_read, &pdv_count);
  if (drained.bad()) return drained;
  return AnswerOutOfResources(assoc, pres_id, request, context, reason, stats);
}

}  // namespace

std::optional<std::string> FreeSpaceShortfall(const storage::FileStore& store,
                                              int64_t min_free_mb) {
  if (min_free_mb <= 0) return std::nullopt;
  auto free_bytes = store.FreeBytes();
  if (!free_bytes.ok() || *free_bytes >= static_cast<uint64_t>(min_free_mb) * 1024 * 1024) {
    return std::nullopt;
  }
  return fmt::format("free space {} MB is below storage.min_free_mb {}", *free_bytes >> 20,
                     min_free_mb);
}

OFCondition HandleStoreRequest(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                               T_ASC_PresentationContextID pres_id, const ServerContext& context,
                               AssociationStats& stats) {
  const int timeout = context.settings.network.dimse_timeout_seconds;
  if (auto shortfall = FreeSpaceShortfall(context.store, context.settings.storage.min_free_mb)) {
    return Refuse(assoc, pres_id, request, context, *shortfall, stats);
  }
  if (auto shortfall = ArchiveSizeShortfall(context)) {
    return Refuse(assoc, pres_id, request, context, *shortfall, stats);
  }
  const std::string incoming = context.store.NewIncomingPath();
  DcmOutputFileStream* raw_stream = nullptr;
  OFCondition cond = DIMSE_createFilestream(incoming.c_str(), &request, assoc, pres_id,
                                            OFTrue /* Part-10 meta header */, &raw_stream);
  if (cond.bad()) {
    // Cannot even create the file (disk full, permissions).
    return Refuse(assoc, pres_id, request, context,
                  std::string("cannot create file in storage: ") + cond.text(), stats);
  }
  std::unique_ptr<DcmOutputFileStream> stream(raw_stream);
  // A failed write does not stop the receive: the data set is read to its
  // last fragment, then answered A700 at once (latched_output_stream.h).
  LatchedOutputStream latched(*stream);
  T_ASC_PresentationContextID data_pres_id = 0;
  cond = DIMSE_receiveDataSetInFile(assoc, DIMSE_NONBLOCKING, timeout, &data_pres_id, &latched,
                                    nullptr, nullptr);
  const OFCondition written = latched.failure().bad() ? latched.failure() : stream->status();
  stream.reset();  // flush and close before anything reads the file
  if (cond.bad()) {
    context.store.Discard(incoming);
    ++stats.store_failures;
    LogStoreResult(LogLevel::kError, assoc, request, std::nullopt,
                   std::string("receiving the data set failed: ") + cond.text());
    RecordStoreFailure(context, assoc, request, 0,
                       std::string("receiving the data set failed: ") + cond.text());
    return cond;  // the association is no longer usable
  }
  if (written.bad()) {
    // The file could not be written (disk full, I/O error); the whole data
    // set has been read off the wire, so the association is still usable.
    context.store.Discard(incoming);
    return AnswerOutOfResources(assoc, pres_id, request, context,
                                std::string("writing the incoming file failed: ") + written.text(),
                                stats);
  }

  ingest::IngestRequest ingest_request;
  ingest_request.incoming_path = incoming;
  ingest_request.expected_sop_class_uid = request.AffectedSOPClassUID;
  ingest_request.expected_sop_instance_uid = request.AffectedSOPInstanceUID;
  ingest_request.provenance.source = "network";
  ingest_request.provenance.calling_aet = assoc->params->DULparams.callingAPTitle;
  ingest_request.provenance.called_aet = assoc->params->DULparams.calledAPTitle;
  ingest_request.provenance.peer_address = PeerOf(assoc);

  Result<ingest::IngestOutcome> outcome = CountedIngest(context, ingest_request);
  if (!outcome.ok()) {
    context.store.Discard(incoming);
    ++stats.store_failures;
    const Uint16 status = DimseStatusFor(DimseService::kStore, outcome.status());
    LogStoreResult(LogLevel::kError, assoc, request, status, outcome.status().ToString());
    RecordStoreFailure(context, assoc, request, status, outcome.status().ToString());
    return SendResponse(assoc, pres_id, request, status, outcome.status().message(), context);
  }
  ++stats.instances_stored;
  stats.bytes_received += outcome->size_bytes;
  LogStoreResult(LogLevel::kDebug, assoc, request, STATUS_Success,
                 fmt::format("stored, {} bytes", outcome->size_bytes), outcome->sop_instance_uid);
  return SendResponse(assoc, pres_id, request, STATUS_Success, {}, context);
}

}  // namespace pixeldex::server

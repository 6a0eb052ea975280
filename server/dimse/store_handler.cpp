#include "server/dimse/store_handler.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmf.h>

#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "catalog/common/log.h"
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

// Records a refused or failed store in the history; a failure is logged only.
void RecordStoreFailure(const ServerContext& context, T_ASC_Association* assoc,
                        const T_DIMSE_C_StoreRQ& request, Uint16 status,
                        const std::string& reason) {
  EventRecord event;
  event.kind = EventKind::kStoreFailed;
  event.sop_instance_uid = request.AffectedSOPInstanceUID;
  event.calling_aet = assoc->params->DULparams.callingAPTitle;
  event.status_code = status;
  event.detail = reason;
  Status s = context.writer.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record store_failed event: {}", s.ToString());
}

// Answers A700 out of resources (PS3.4 B.2.3) to a store whose data set has
// been read off the wire, and records why.
OFCondition AnswerOutOfResources(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                                 const T_DIMSE_C_StoreRQ& request, const ServerContext& context,
                                 const std::string& reason, AssociationStats& stats) {
  ++stats.store_failures;
  RecordStoreFailure(context, assoc, request, STATUS_STORE_Refused_OutOfResources, reason);
  LogError("C-STORE from {} ({}) sop={}: status A700: {}", assoc->params->DULparams.callingAPTitle,
           PeerOf(assoc), request.AffectedSOPInstanceUID, reason);
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

// Runs the pipeline and records how long it took (pixeldex_ingest_duration_seconds).
Result<ingest::IngestOutcome> TimedIngest(const ServerContext& context,
                                          const ingest::IngestRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  Result<ingest::IngestOutcome> outcome = context.pipeline.Ingest(request);
  context.metrics.ingest_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return outcome;
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
    LogError("C-STORE from {} ({}) sop={}: receiving the data set failed: {}",
             assoc->params->DULparams.callingAPTitle, PeerOf(assoc),
             request.AffectedSOPInstanceUID, cond.text());
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

  Result<ingest::IngestOutcome> outcome = TimedIngest(context, ingest_request);
  if (!outcome.ok()) {
    context.store.Discard(incoming);
    ++stats.store_failures;
    const Uint16 status = DimseStatusFor(DimseService::kStore, outcome.status());
    LogError("C-STORE from {} ({}) sop={} class={}: status {:04X}: {}",
             ingest_request.provenance.calling_aet, ingest_request.provenance.peer_address,
             request.AffectedSOPInstanceUID, request.AffectedSOPClassUID, status,
             outcome.status().ToString());
    RecordStoreFailure(context, assoc, request, status, outcome.status().ToString());
    return SendResponse(assoc, pres_id, request, status, outcome.status().message(), context);
  }
  ++stats.instances_stored;
  stats.bytes_received += outcome->size_bytes;
  if (!outcome->warning.empty()) {
    LogWarning("C-STORE from {} sop={}: {}", ingest_request.provenance.calling_aet,
               outcome->sop_instance_uid, outcome->warning);
  }
  context.metrics.instances_stored.Increment();
  context.metrics.bytes_received.Increment(static_cast<uint64_t>(outcome->size_bytes));
  if (outcome->thumbnail_failed()) context.metrics.thumbnail_failures.Increment();
  return SendResponse(assoc, pres_id, request, STATUS_Success, {}, context);
}

}  // namespace pixeldex::server

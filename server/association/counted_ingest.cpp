#include "server/association/counted_ingest.h"

#include <chrono>

#include "catalog/common/log.h"
#include "catalog/common/thumbnail_status.h"

namespace pixeldex::server {

Result<ingest::IngestOutcome> CountedIngest(const ServerContext& context,
                                            const ingest::IngestRequest& request,
                                            ingest::ReceivedCopy* received) {
  const auto started = std::chrono::steady_clock::now();
  Result<ingest::IngestOutcome> outcome = context.pipeline.Ingest(request, received);
  context.metrics.ingest_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!outcome.ok()) return outcome;
  const std::string source = ProvenanceSourceName(request.provenance.source);
  const std::string& sender =
      request.provenance.calling_aet.empty() ? source : request.provenance.calling_aet;
  auto warn = [&](const std::string& reason) {
    LogWarning({{"calling_aet", request.provenance.calling_aet},
                {"source", source},
                {"sop_instance_uid", outcome->sop_instance_uid},
                {"reason", reason}},
               "store from {} sop={}: {}", sender, outcome->sop_instance_uid, reason);
  };
  if (!outcome->warning.empty()) warn(outcome->warning);
  // Stored all the same (README, "Thumbnails"); the line says why there is no
  // thumbnail, e.g. a compressed frame refused before DCMTK decodes it.
  if (outcome->thumbnail_failed()) {
    warn("stored without a thumbnail: " +
         StoredThumbnailStatus(outcome->thumbnail_status, outcome->thumbnail_reason));
    context.metrics.thumbnail_failures.Increment();
  }
  context.metrics.instances_stored.Increment();
  context.metrics.bytes_received.Increment(static_cast<uint64_t>(outcome->size_bytes));
  return outcome;
}

void RecordStoreFailure(const ServerContext& context, const std::string& sop_instance_uid,
                        const std::string& calling_aet, uint16_t status,
                        const std::string& reason) {
  EventRecord event;
  event.kind = EventKind::kStoreFailed;
  event.sop_instance_uid = sop_instance_uid;
  event.calling_aet = calling_aet;
  event.status_code = status;
  event.detail = reason;
  Status s = context.writer.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record store_failed event: {}", s.ToString());
}

}  // namespace pixeldex::server

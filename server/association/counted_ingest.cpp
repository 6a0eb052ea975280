#include "server/association/counted_ingest.h"

#include <chrono>

#include "catalog/common/log.h"

namespace pixeldex::server {

Result<ingest::IngestOutcome> CountedIngest(const ServerContext& context,
                                            const ingest::IngestRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  Result<ingest::IngestOutcome> outcome = context.pipeline.Ingest(request);
  context.metrics.ingest_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!outcome.ok()) return outcome;
  if (!outcome->warning.empty()) {
    const std::string source = ProvenanceSourceName(request.provenance.source);
    const std::string& sender =
        request.provenance.calling_aet.empty() ? source : request.provenance.calling_aet;
    LogWarning({{"calling_aet", request.provenance.calling_aet},
                {"source", source},
                {"sop_instance_uid", outcome->sop_instance_uid},
                {"reason", outcome->warning}},
               "store from {} sop={}: {}", sender, outcome->sop_instance_uid, outcome->warning);
  }
  context.metrics.instances_stored.Increment();
  context.metrics.bytes_received.Increment(static_cast<uint64_t>(outcome->size_bytes));
  if (outcome->thumbnail_failed()) context.metrics.thumbnail_failures.Increment();
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

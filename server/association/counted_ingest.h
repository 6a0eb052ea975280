#pragma once
// The server's one way into the ingest pipeline for an instance a peer sent,
// by C-STORE or STOW-RS: runs it, and counts it on /metrics (ingest
// duration; on success instances stored, bytes received, thumbnail
// failures; a warning, and a thumbnail that failed, are logged). Failures are recorded as store_failed
// events by RecordStoreFailure, so both front ends leave the same history.
// Thread-safe.

#include <cstdint>
#include <string>

#include "catalog/ingest/ingest_pipeline.h"
#include "server/association/server_context.h"

namespace pixeldex::server {

// `received`: the file's bytes if the receiver kept them (IngestPipeline::Ingest).
Result<ingest::IngestOutcome> CountedIngest(const ServerContext& context,
                                            const ingest::IngestRequest& request,
                                            ingest::ReceivedCopy* received = nullptr);

// Appends a store_failed event (who sent it: `calling_aet`, empty for
// DICOMweb; `status`: the DIMSE status or Failure Reason answered, 0 when
// none was); a failure to record is logged only.
void RecordStoreFailure(const ServerContext& context, const std::string& sop_instance_uid,
                        const std::string& calling_aet, uint16_t status, const std::string& reason);

}  // namespace pixeldex::server

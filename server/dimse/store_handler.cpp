#include "server/dimse/store_handler.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "server/dimse/descriptor_output_stream.h"
#include "server/dimse/latched_output_stream.h"
#include "server/dimse/part10_header.h"
#include "server/dimse/request_refusal.h"
#include "server/listener/guarded_connection.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {
namespace {

// A data set whose file (with its Part-10 header) has at most this many
// bytes is also kept in memory as it is written, so that the pipeline
// checks, parses, hashes and renders it without reading the file back
// (ReceivedCopy): a 512x512 16-bit CT or MR image is 525 kB. One copy per
// association thread, its capacity kept from one data set to the next (no
// allocation and no page faults per instance); 1 MiB of memory at most per
// association that received one (issue 20 part 2).
constexpr size_t kReceivedCopyLimit = size_t{1} << 20;

OFCondition SendResponse(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                         const T_DIMSE_C_StoreRQ& request, const StoreAnswer& answer,
                         const ServerContext& context) {
  context.metrics.stores.Increment(metrics::StatusLabel(answer.status));
  T_DIMSE_C_StoreRSP response = StoreResponseTo(request, answer.status);
  const std::unique_ptr<DcmDataset> detail = ErrorCommentDetail(answer.comment);
  const HeldWrites one_write(assoc);
  return DIMSE_sendStoreResponse(assoc, pres_id, &request, &response, detail.get());
}

// The Part-10 header DIMSE_createFilestream would write for `request`; an
// empty string when the presentation context was not accepted.
std::string HeaderFor(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                      T_ASC_PresentationContextID pres_id) {
  T_ASC_PresentationContext context;
  if (ASC_findAcceptedPresentationContext(assoc->params, pres_id, &context).bad()) return {};
  return Part10Header({request.AffectedSOPClassUID, request.AffectedSOPInstanceUID,
                       context.acceptedTransferSyntax, assoc->params->DULparams.callingAPTitle});
}

StoreRequestFacts FactsOf(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request) {
  const T_ASC_Parameters& params = *assoc->params;
  return {request.AffectedSOPClassUID, request.AffectedSOPInstanceUID,
          params.DULparams.callingAPTitle, params.DULparams.calledAPTitle,
          params.DULparams.callingPresentationAddress};
}

// Refuses the store without writing anything: the data set must still be
// read off the wire before the response can be sent (PS3.7 9.3.1.2).
OFCondition Refuse(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                   const T_DIMSE_C_StoreRQ& request, const ServerContext& context,
                   StoreService& service, const std::string& reason) {
  const int timeout = context.settings.network.dimse_timeout_seconds;
  DIC_UL bytes_read = 0;
  DIC_UL pdv_count = 0;
  OFCondition drained =
      DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, timeout, &bytes_read, &pdv_count);
  if (drained.bad()) return drained;
  return SendResponse(assoc, pres_id, request, service.OutOfResources(reason), context);
}

}  // namespace

OFCondition HandleStoreRequest(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                               T_ASC_PresentationContextID pres_id, const ServerContext& context,
                               AssociationStats& stats) {
  StoreService service(context, stats, FactsOf(assoc, request));
  if (auto refusal = service.RefusalBeforeReceiving()) {
    return Refuse(assoc, pres_id, request, context, service, *refusal);
  }
  // Removes the file on every way out but the hand-over to the pipeline.
  storage::IncomingFile incoming = storage::NewIncomingFile(context.store);
  // The file is written through a descriptor of its own, which the pipeline
  // then stats, reads and fsyncs without opening the file again; its
  // Part-10 header is the one DIMSE_createFilestream writes (part10_header.h).
  const std::string header = HeaderFor(assoc, request, pres_id);
  DescriptorOutputStream file(incoming.path());
  if (header.empty() || !file.good()) {
    // Cannot even create the file (disk full, permissions).
    return Refuse(assoc, pres_id, request, context, service,
                  std::string("cannot create file in storage: ") +
                      (header.empty() ? "no accepted presentation context" : file.status().text()));
  }
  // The data set goes to the file unhashed: the pipeline hashes the closed
  // file (a small one on this thread from the bytes it parses, a larger one
  // on its file worker while this thread parses it), as it did before
  // issue 20 part 2. Hashed here, as the PDVs arrived, the SHA-256 (about
  // 0.4 ms per 525 kB) ran in series with the network reads, and one sender
  // got 0.88x the rate (issue 15; bench/README.md).
  thread_local ingest::ReceivedCopy received;
  received.bytes.reserve(kReceivedCopyLimit);
  received.bytes.clear();
  // A failed write does not stop the receive: the data set is read to its
  // last fragment, then answered A700 at once (latched_output_stream.h).
  LatchedOutputStream latched(file, received.bytes, kReceivedCopyLimit);
  latched.write(header.data(), static_cast<offile_off_t>(header.size()));
  T_ASC_PresentationContextID data_pres_id = 0;
  const int timeout = context.settings.network.dimse_timeout_seconds;
  const OFCondition cond = DIMSE_receiveDataSetInFile(assoc, DIMSE_NONBLOCKING, timeout,
                                                      &data_pres_id, &latched, nullptr, nullptr);
  // Written out before anything reads the file; none when a write failed,
  // closed on the other ways out before the pipeline.
  UniqueFd written_file = file.Release();
  const OFCondition written = latched.failure().bad() ? latched.failure() : file.status();
  if (cond.bad()) {
    service.ReceiveFailed(cond.text());
    return cond;  // the association is no longer usable
  }
  if (written.bad()) {
    // The file could not be written (disk full, I/O error); the whole data
    // set has been read off the wire, so the association is still usable.
    // The partial file goes before the answer: nothing is left once A700 is read.
    std::move(incoming).Discard();
    return SendResponse(
        assoc, pres_id, request,
        service.OutOfResources(std::string("writing the incoming file failed: ") + written.text()),
        context);
  }
  received.file = std::move(written_file);
  // A stored instance is answered as soon as it is durable and indexed,
  // before the pipeline tidies up after it; any other outcome once Ingest
  // returns. Either way one response.
  std::optional<OFCondition> sent;
  const auto send = [&](const StoreAnswer& answer) {
    sent = SendResponse(assoc, pres_id, request, answer, context);
  };
  const StoreAnswer answer = service.Ingest(std::move(incoming), &received, send);
  received.file.Reset();  // taken by the pipeline; closed here if it was not
  return sent ? *sent : SendResponse(assoc, pres_id, request, answer, context);
}

}  // namespace pixeldex::server

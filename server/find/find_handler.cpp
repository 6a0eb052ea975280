#include "server/find/find_handler.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/cond.h>

#include <memory>
#include <optional>

#include "catalog/common/log.h"
#include "server/association/association_socket.h"
#include "server/dimse/request_refusal.h"
#include "server/find/pending_response_writer.h"
#include "server/listener/guarded_connection.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {
namespace {

// The C-FIND provider loop, as DIMSE_findProvider runs it (DCMTK 3.6.7,
// dimfind.cc): the identifier, then per response DCMTK's zero-timeout
// C-CANCEL check and the query's next answer, until a final one. Pending
// responses whose identifier the query encoded go out through `pending`,
// the others through DIMSE_sendFindResponse. The pending responses held so
// far are written out before the final response, which goes out at once.
OFCondition ProvideFind(T_ASC_Association* assoc, T_DIMSE_C_FindRQ& request,
                        T_ASC_PresentationContextID pres_id, FindQuery& query,
                        WriteCoalescer* writes) {
  T_ASC_PresentationContextID data_pres_id = 0;
  DcmDataset* received = nullptr;
  OFCondition cond = DIMSE_receiveDataSetInMemory(assoc, DIMSE_BLOCKING, 0, &data_pres_id,
                                                  &received, nullptr, nullptr);
  std::unique_ptr<DcmDataset> identifier(received);
  if (cond.bad()) return cond;
  if (data_pres_id != pres_id) {
    return makeDcmnetCondition(DIMSEC_INVALIDPRESENTATIONCONTEXTID, OF_error,
                               "DIMSE: Presentation Contexts of Command and Data Differ");
  }
  PendingResponseWriter pending(assoc, pres_id, request);
  for (bool first = true;; first = false) {
    cond = DIMSE_checkForCancelRQ(assoc, pres_id, request.MessageID);
    const bool cancelled = cond.good();
    if (!cancelled && cond != DIMSE_NODATAAVAILABLE) return cond;
    std::optional<FindAnswer> refused;
    if (first) refused = query.Start(request.AffectedSOPClassUID, identifier.get());
    FindAnswer answer = refused ? std::move(*refused) : query.Next(cancelled);
    T_DIMSE_C_FindRSP response{};
    response.DimseStatus = answer.status;
    if (answer.pending()) {
      cond = answer.identifier == nullptr
                 ? pending.Send(answer.status, answer.encoded_identifier)
                 : DIMSE_sendFindResponse(assoc, pres_id, &request, &response,
                                          answer.identifier.get(), nullptr);
      if (cond.bad()) return cond;
      continue;
    }
    if (writes != nullptr) writes->Release();
    const std::unique_ptr<DcmDataset> detail = ErrorCommentDetail(answer.comment);
    return DIMSE_sendFindResponse(assoc, pres_id, &request, &response, nullptr, detail.get());
  }
}

// The transfer syntax of presentation context `pres_id`, if accepted.
std::optional<E_TransferSyntax> TransferSyntaxOf(T_ASC_Association* assoc,
                                                 T_ASC_PresentationContextID pres_id) {
  T_ASC_PresentationContext context;
  if (ASC_findAcceptedPresentationContext(assoc->params, pres_id, &context).bad()) {
    return std::nullopt;
  }
  return DcmXfer(context.acceptedTransferSyntax).getXfer();
}

// While it lives, a write to the association's socket that blocks (the
// caller does not read its responses) gives up after the C-FIND's time limit
// instead of network.dimse_timeout, so that the request, and the index
// snapshot it reads, end then; the association is aborted.
class SendTimeLimit {
 public:
  SendTimeLimit(T_ASC_Association* assoc, std::chrono::seconds limit) : socket_(SocketOf(assoc)) {
    socklen_t size = sizeof(saved_);
    if (limit.count() <= 0 || socket_ == DCMNET_INVALID_SOCKET ||
        ::getsockopt(socket_, SOL_SOCKET, SO_SNDTIMEO, &saved_, &size) != 0) {
      socket_ = DCMNET_INVALID_SOCKET;
      return;
    }
    const timeval bounded{static_cast<time_t>(limit.count()), 0};
    ::setsockopt(socket_, SOL_SOCKET, SO_SNDTIMEO, &bounded, sizeof(bounded));
  }
  ~SendTimeLimit() {
    if (socket_ != DCMNET_INVALID_SOCKET) {
      ::setsockopt(socket_, SOL_SOCKET, SO_SNDTIMEO, &saved_, sizeof(saved_));
    }
  }
  SendTimeLimit(const SendTimeLimit&) = delete;
  SendTimeLimit& operator=(const SendTimeLimit&) = delete;

 private:
  DcmNativeSocketType socket_;
  timeval saved_{};
};

}  // namespace

OFCondition HandleFindRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                              T_ASC_PresentationContextID pres_id, const FindContext& context) {
  WriteCoalescer* writes = WriteCoalescerOf(assoc);
  FindQuery query(context, [writes] {
    if (writes != nullptr) writes->FlushIfStale();
  });
  if (const auto syntax = TransferSyntaxOf(assoc, pres_id)) {
    if (const auto encoding = IdentifierSyntaxFor(*syntax)) query.EncodeIdentifiers(*encoding);
  }
  OFCondition cond;
  {
    // A network failure can end the exchange before Finish: either way, the
    // association's later messages go straight out.
    HeldWrites held(assoc);
    SendTimeLimit send_limit(assoc, context.time_limit);
    cond = ProvideFind(assoc, request.msg.CFindRQ, pres_id, query, writes);
  }
  const std::string peer = assoc->params->DULparams.callingPresentationAddress;
  if (cond.bad() && query.TimedOut()) {
    LogWarning({{"calling_aet", context.calling_ae},
                {"peer", peer},
                {"query_level", query.level()},
                {"matches", query.matches()},
                {"reason", cond.text()}},
               "C-FIND from {}: level {}, {} matches, {} while the caller was not reading: {}",
               context.calling_ae, query.level(), query.matches(), query.TimeLimitComment(),
               cond.text());
  } else if (cond.bad()) {
    LogWarning({{"calling_aet", context.calling_ae},
                {"peer", peer},
                {"query_level", query.level()},
                {"matches", query.matches()},
                {"reason", cond.text()}},
               "C-FIND from {}: level {}, {} matches, DIMSE failure: {}", context.calling_ae,
               query.level(), query.matches(), cond.text());
  } else {
    if (context.responses != nullptr) {
      context.responses->Increment(metrics::StatusLabel(query.final_status()));
    }
    LogInfo({{"calling_aet", context.calling_ae},
             {"peer", peer},
             {"query_level", query.level()},
             {"matches", query.matches()},
             {"status", fmt::format("{:04X}", query.final_status())}},
            "C-FIND from {}: level {}, {} matches, status 0x{:04X}{}{}", context.calling_ae,
            query.level(), query.matches(), query.final_status(),
            query.comment().empty() ? "" : ": ", query.comment());
  }
  return cond;
}

}  // namespace pixeldex::server

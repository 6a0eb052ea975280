#include "server/find/find_handler.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <optional>

#include "catalog/common/log.h"
#include "server/association/association_socket.h"
#include "server/dimse/request_refusal.h"
#include "server/listener/guarded_connection.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {
namespace {

// The state of one C-FIND across the provider's callbacks.
struct FindSession {
  FindQuery* query = nullptr;
  // Gathers the pending responses into few writes; nullptr when the
  // connection has none.
  WriteCoalescer* writes = nullptr;
};

void FindCallback(void* data, OFBool cancelled, T_DIMSE_C_FindRQ* rq, DcmDataset* identifier,
                  int response_count, T_DIMSE_C_FindRSP* response, DcmDataset** response_ids,
                  DcmDataset** status_detail) {
  auto& s = *static_cast<FindSession*>(data);
  *response_ids = nullptr;
  *status_detail = nullptr;
  std::optional<FindAnswer> refused;
  if (response_count == 1) refused = s.query->Start(rq->AffectedSOPClassUID, identifier);
  FindAnswer answer = refused ? std::move(*refused) : s.query->Next(cancelled);
  response->DimseStatus = answer.status;
  if (answer.pending()) {
    *response_ids = answer.identifier.release();  // DIMSE_findProvider deletes it after sending
    return;
  }
  // The pending responses held so far are written first, and the final one
  // goes out the moment DCMTK writes it.
  if (s.writes != nullptr) s.writes->Release();
  *status_detail = ErrorCommentDetail(answer.comment).release();
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
  FindSession session;
  session.writes = WriteCoalescerOf(assoc);
  FindQuery query(context, [&session] {
    if (session.writes != nullptr) session.writes->FlushIfStale();
  });
  session.query = &query;
  if (session.writes != nullptr) session.writes->Hold();
  OFCondition cond;
  {
    SendTimeLimit send_limit(assoc, context.time_limit);
    cond = DIMSE_findProvider(assoc, pres_id, &request.msg.CFindRQ, FindCallback, &session,
                              DIMSE_BLOCKING, 0);
  }
  // A network failure can end the exchange before Finish: either way, the
  // association's later messages go straight out. The coalescer is looked up
  // again: when the exchange failed, DCMTK may have closed the connection and
  // destroyed it with its coalescer (ASan: heap-use-after-free in
  // SlowPeerE2eTest.FindRequestWhoseIdentifierNeverComesIsDropped).
  if (WriteCoalescer* writes = WriteCoalescerOf(assoc)) writes->Release();
  session.writes = nullptr;
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

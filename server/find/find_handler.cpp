#include "server/find/find_handler.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <cstring>
#include <optional>

#include "catalog/common/log.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "server/association/association_socket.h"
#include "server/dimse/dimse_status.h"
#include "server/find/find_identifier.h"
#include "server/listener/guarded_connection.h"
#include "server/metrics/server_metrics.h"

namespace pixeldex::server {
namespace {

// SQLite VM instructions between two looks at the kept responses and the
// clock (a few microseconds of work).
constexpr int kProgressInstructions = 1000;

// The state of one C-FIND across the provider's callbacks.
struct FindSession {
  const FindContext* context = nullptr;
  // Gathers the pending responses into few writes; nullptr when the
  // connection has none.
  WriteCoalescer* writes = nullptr;
  index::Db* db = nullptr;
  // When FindContext::time_limit runs out.
  std::chrono::steady_clock::time_point deadline;
  // While SQLite looks for the next match, writes out the responses kept too
  // long (WriteCoalescer::kMaxHold), and interrupts it past the deadline.
  std::optional<index::ProgressCallback> progress;
  std::optional<query::FindCursor> cursor;
  std::string level = "-";
  size_t matches = 0;
  Uint16 final_status = STATUS_FIND_Success;
  std::string comment;

  bool TimedOut() const {
    return context->time_limit.count() > 0 && std::chrono::steady_clock::now() >= deadline;
  }
  std::string TimeLimitComment() const {
    return "time limit of " + std::to_string(context->time_limit.count()) + " s reached";
  }
};

DcmDataset* ErrorComment(const std::string& text) {
  auto* detail = new DcmDataset;
  // Error Comment (0000,0902) is LO: at most 64 characters.
  detail->putAndInsertString(DCM_ErrorComment, text.substr(0, 64).c_str());
  return detail;
}

// Sets the final response; the pending ones kept so far are written first,
// and the final one goes out the moment DCMTK writes it.
// The statement ends here, before the final response goes out: a caller that
// is slow to read it no longer holds a snapshot of the index.
void Finish(FindSession& s, T_DIMSE_C_FindRSP* response, DcmDataset** detail, Uint16 status,
            const std::string& comment) {
  s.cursor.reset();
  s.progress.reset();
  if (status == STATUS_FIND_Refused_OutOfResources) {
    LogWarning({{"calling_aet", s.context->calling_ae},
                {"status", fmt::format("{:04X}", status)},
                {"matches", s.matches},
                {"reason", comment}},
               "C-FIND from {}: {}; ending it after {} matches", s.context->calling_ae, comment,
               s.matches);
  }
  if (s.writes != nullptr) s.writes->Release();
  s.final_status = status;
  s.comment = comment;
  response->DimseStatus = status;
  if (!comment.empty()) *detail = ErrorComment(comment);
}

// Opens the index and the cursor; a failure status when the request cannot run.
Status Start(FindSession& s, const T_DIMSE_C_FindRQ& rq, DcmDataset* identifier,
             Uint16* refused_status) {
  query::InformationModel model;
  if (strcmp(rq.AffectedSOPClassUID, UID_FINDPatientRootQueryRetrieveInformationModel) == 0) {
    model = query::InformationModel::kPatientRoot;
  } else if (strcmp(rq.AffectedSOPClassUID, UID_FINDStudyRootQueryRetrieveInformationModel) ==
             0) {
    model = query::InformationModel::kStudyRoot;
  } else {
    *refused_status = STATUS_FIND_Refused_SOPClassNotSupported;  // 0122, PS3.7 C.5.2
    return Status::Unsupported(std::string("SOP class not supported: ") + rq.AffectedSOPClassUID);
  }
  if (identifier == nullptr) return Status::InvalidArgument("C-FIND without identifier");
  auto keys = IdentifierToKeys(*identifier);
  if (!keys.ok()) return keys.status();
  auto request = query::MakeFindRequest(model, std::move(*keys), s.context->combined_datetime);
  if (!request.ok()) return request.status();
  s.level = query::QueryLevelName(request->level);
  auto db = s.context->reader();
  if (!db.ok()) return Status::Internal("index unavailable: " + db.status().message());
  s.db = *db;
  s.progress.emplace(*s.db, kProgressInstructions, [&s] {
    if (s.writes != nullptr) s.writes->FlushIfStale();
    return s.TimedOut();
  });
  auto cursor = query::FindCursor::Open(*s.db, *request, s.context->options);
  if (!cursor.ok()) return cursor.status();
  s.cursor.emplace(std::move(*cursor));
  return Status::Ok();
}

void FindCallback(void* data, OFBool cancelled, T_DIMSE_C_FindRQ* rq, DcmDataset* identifier,
                  int response_count, T_DIMSE_C_FindRSP* response, DcmDataset** response_ids,
                  DcmDataset** status_detail) {
  auto& s = *static_cast<FindSession*>(data);
  *response_ids = nullptr;
  *status_detail = nullptr;
  if (response_count == 1) {
    Uint16 refused = 0;
    const Status started = Start(s, *rq, identifier, &refused);
    if (!started.ok()) {
      Finish(s, response, status_detail,
             refused ? refused : DimseStatusFor(DimseService::kFind, started), started.message());
      return;
    }
  }
  if (cancelled) {  // C-CANCEL arrived before this response
    Finish(s, response, status_detail, STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest,
           "");
    return;
  }
  // The time limit, between responses (a peer that reads slowly) and inside
  // SQLite's steps (the progress handler interrupts them).
  if (s.TimedOut()) {
    Finish(s, response, status_detail, STATUS_FIND_Refused_OutOfResources, s.TimeLimitComment());
    return;
  }
  auto next = s.cursor->Next();
  if (!next.ok()) {
    if (s.TimedOut()) {
      Finish(s, response, status_detail, STATUS_FIND_Refused_OutOfResources,
             s.TimeLimitComment());
    } else {
      Finish(s, response, status_detail, STATUS_FIND_Failed_UnableToProcess,
             next.status().message());
    }
    return;
  }
  if (next->has_value()) {
    auto dataset = MatchToDataset(**next);
    if (!dataset.ok()) {
      Finish(s, response, status_detail, STATUS_FIND_Failed_UnableToProcess,
             dataset.status().message());
      return;
    }
    ++s.matches;
    *response_ids = dataset->release();  // DIMSE_findProvider deletes it after sending
    response->DimseStatus = s.cursor->unsupported_matching()
                                ? STATUS_FIND_Pending_WarningUnsupportedOptionalKeys  // FF01
                                : STATUS_FIND_Pending_MatchesAreContinuing;           // FF00
    return;
  }
  if (s.cursor->limit_reached()) {
    // PS3.4 C.4.1.1.4: A700 Refused: Out of resources.
    Finish(s, response, status_detail, STATUS_FIND_Refused_OutOfResources,
           "result limit of " + std::to_string(s.context->options.max_results) + " reached");
    return;
  }
  Finish(s, response, status_detail, STATUS_FIND_Success, "");
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
  session.context = &context;
  session.deadline = std::chrono::steady_clock::now() + context.time_limit;
  session.writes = WriteCoalescerOf(assoc);
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
  if (cond.bad() && session.TimedOut()) {
    LogWarning({{"calling_aet", context.calling_ae},
                {"peer", peer},
                {"query_level", session.level},
                {"matches", session.matches},
                {"reason", cond.text()}},
               "C-FIND from {}: level {}, {} matches, {} while the caller was not reading: {}",
               context.calling_ae, session.level, session.matches, session.TimeLimitComment(),
               cond.text());
  } else if (cond.bad()) {
    LogWarning({{"calling_aet", context.calling_ae},
                {"peer", peer},
                {"query_level", session.level},
                {"matches", session.matches},
                {"reason", cond.text()}},
               "C-FIND from {}: level {}, {} matches, DIMSE failure: {}", context.calling_ae,
               session.level, session.matches, cond.text());
  } else {
    if (context.responses != nullptr) {
      context.responses->Increment(metrics::StatusLabel(session.final_status));
    }
    LogInfo({{"calling_aet", context.calling_ae},
             {"peer", peer},
             {"query_level", session.level},
             {"matches", session.matches},
             {"status", fmt::format("{:04X}", session.final_status)}},
            "C-FIND from {}: level {}, {} matches, status 0x{:04X}{}{}", context.calling_ae,
            session.level, session.matches, session.final_status,
            session.comment.empty() ? "" : ": ", session.comment);
  }
  return cond;
}

}  // namespace pixeldex::server

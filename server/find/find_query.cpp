#include "server/find/find_query.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>

#include "catalog/common/log.h"
#include "catalog/query/find_request.h"
#include "server/dimse/dimse_status.h"
#include "server/find/find_identifier.h"

namespace pixeldex::server {

FindQuery::FindQuery(const FindContext& context, std::function<void()> while_searching)
    : context_(context),
      while_searching_(std::move(while_searching)),
      deadline_(std::chrono::steady_clock::now() + context.time_limit) {}

bool FindQuery::TimedOut() const {
  return context_.time_limit.count() > 0 && std::chrono::steady_clock::now() >= deadline_;
}

std::string FindQuery::TimeLimitComment() const {
  return "time limit of " + std::to_string(context_.time_limit.count()) + " s reached";
}

Status FindQuery::Open(const std::string& sop_class_uid, DcmDataset* identifier, Uint16* refused) {
  query::InformationModel model;
  if (sop_class_uid == UID_FINDPatientRootQueryRetrieveInformationModel) {
    model = query::InformationModel::kPatientRoot;
  } else if (sop_class_uid == UID_FINDStudyRootQueryRetrieveInformationModel) {
    model = query::InformationModel::kStudyRoot;
  } else {
    *refused = STATUS_FIND_Refused_SOPClassNotSupported;  // 0122, PS3.7 C.5.2
    return Status::Unsupported("SOP class not supported: " + sop_class_uid);
  }
  if (identifier == nullptr) return Status::InvalidArgument("C-FIND without identifier");
  auto keys = IdentifierToKeys(*identifier);
  if (!keys.ok()) return keys.status();
  auto request = query::MakeFindRequest(model, std::move(*keys), context_.combined_datetime);
  if (!request.ok()) return request.status();
  level_ = query::QueryLevelName(request->level);
  auto reader = context_.reader();
  if (!reader.ok()) return Status::Internal("index unavailable: " + reader.status().message());
  // While the database looks for the next match: the held responses go out,
  // and the search is interrupted past the deadline.
  query::ReadWatch watch;
  watch.interrupt = [this] {
    if (while_searching_) while_searching_();
    return TimedOut();
  };
  watch.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(context_.time_limit);
  auto cursor = query::FindCursor::Open(**reader, *request, context_.options, watch);
  if (!cursor.ok()) return cursor.status();
  cursor_.emplace(std::move(*cursor));
  return Status::Ok();
}

std::optional<FindAnswer> FindQuery::Start(const std::string& sop_class_uid,
                                           DcmDataset* identifier) {
  Uint16 refused = 0;
  const Status started = Open(sop_class_uid, identifier, &refused);
  if (started.ok()) return std::nullopt;
  return Final(refused ? refused : DimseStatusFor(DimseService::kFind, started), started.message());
}

FindAnswer FindQuery::Next(bool cancelled) {
  if (cancelled) return Final(STATUS_FIND_Cancel_MatchingTerminatedDueToCancelRequest, "");
  // The time limit, between responses (a peer that reads slowly) and inside
  // the database's work (SQLite's progress handler, PostgreSQL's
  // statement_timeout).
  if (TimedOut()) return Final(STATUS_FIND_Refused_OutOfResources, TimeLimitComment());
  auto next = cursor_->Next(&match_);
  if (!next.ok()) {
    if (TimedOut()) return Final(STATUS_FIND_Refused_OutOfResources, TimeLimitComment());
    return Final(STATUS_FIND_Failed_UnableToProcess, next.status().message());
  }
  if (*next) {
    FindAnswer answer;
    encoded_.clear();
    if (syntax_ && EncodeIdentifier(match_, *syntax_, &encoded_)) {
      answer.encoded_identifier = encoded_;
    } else {
      auto dataset = MatchToDataset(match_);
      if (!dataset.ok()) {
        return Final(STATUS_FIND_Failed_UnableToProcess, dataset.status().message());
      }
      answer.identifier = std::move(dataset).value();
    }
    ++matches_;
    answer.status = cursor_->unsupported_matching()
                        ? STATUS_FIND_Pending_WarningUnsupportedOptionalKeys  // FF01
                        : STATUS_FIND_Pending_MatchesAreContinuing;           // FF00
    return answer;
  }
  if (cursor_->limit_reached()) {
    // PS3.4 C.4.1.1.4: A700 Refused: Out of resources.
    return Final(STATUS_FIND_Refused_OutOfResources,
                 "result limit of " + std::to_string(context_.options.max_results) + " reached");
  }
  return Final(STATUS_FIND_Success, "");
}

// The statement ends here, before the final response goes out: a caller that
// is slow to read it no longer holds a snapshot of the index.
FindAnswer FindQuery::Final(Uint16 status, std::string comment) {
  cursor_.reset();
  if (status == STATUS_FIND_Refused_OutOfResources) {
    LogWarning({{"calling_aet", context_.calling_ae},
                {"status", fmt::format("{:04X}", status)},
                {"matches", matches_},
                {"reason", comment}},
               "C-FIND from {}: {}; ending it after {} matches", context_.calling_ae, comment,
               matches_);
  }
  final_status_ = status;
  comment_ = comment;
  FindAnswer answer;
  answer.status = status;
  answer.comment = std::move(comment);
  return answer;
}

}  // namespace pixeldex::server

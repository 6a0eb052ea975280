#include "server/retrieve/retrieve_operation.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstring>
#include <optional>

#include "catalog/common/log.h"
#include "catalog/query/attribute_catalog.h"
#include "server/dimse/dimse_status.h"
#include "server/dimse/request_refusal.h"
#include "server/find/find_identifier.h"

namespace pixeldex::server {
namespace {

// PS3.4 C.4.2 / C.4.3: the models pixeldex retrieves from.
std::optional<query::InformationModel> ModelOf(const char* sop_class_uid) {
  for (const char* uid :
       {UID_GETPatientRootQueryRetrieveInformationModel, UID_MOVEPatientRootQueryRetrieveInformationModel}) {
    if (std::strcmp(sop_class_uid, uid) == 0) return query::InformationModel::kPatientRoot;
  }
  for (const char* uid :
       {UID_GETStudyRootQueryRetrieveInformationModel, UID_MOVEStudyRootQueryRetrieveInformationModel}) {
    if (std::strcmp(sop_class_uid, uid) == 0) return query::InformationModel::kStudyRoot;
  }
  return std::nullopt;
}

std::string Hex(Uint16 status) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%04X", status);
  return text;
}

// PS3.7 C: counts are US; a larger retrieve reports 65535.
DIC_US CountValue(size_t n) { return static_cast<DIC_US>(n > 0xFFFF ? 0xFFFF : n); }

}  // namespace

RetrieveOperation::RetrieveOperation(std::string service, metrics::LabeledCounter& responses,
                                     const RetrieveContext& context)
    : service_(std::move(service)), responses_(responses), context_(context) {}

void RetrieveOperation::Refuse(Uint16 status, std::string comment) {
  refused_status_ = status;
  comment_ = std::move(comment);
}

bool RetrieveOperation::Start(const char* sop_class_uid, DcmDataset* identifier) {
  const auto model = ModelOf(sop_class_uid);
  if (!model) {
    Refuse(STATUS_MOVE_Refused_SOPClassNotSupported,  // 0122, PS3.7 C.5.2
           std::string("SOP class not supported: ") + sop_class_uid);
    return false;
  }
  if (identifier == nullptr) {
    Refuse(STATUS_MOVE_Error_DataSetDoesNotMatchSOPClass, service_ + " without identifier");
    return false;
  }
  auto keys = IdentifierToKeys(*identifier);
  if (!keys.ok()) {
    Refuse(DimseStatusFor(DimseService::kRetrieve, keys.status()), keys.status().message());
    return false;
  }
  auto request = query::MakeRetrieveRequest(*model, std::move(*keys));
  if (!request.ok()) {
    Refuse(DimseStatusFor(DimseService::kRetrieve, request.status()), request.status().message());
    return false;
  }
  level_ = query::QueryLevelName(request->level);
  for (const query::QueryKey& key : request->keys) {
    if (key.tag == query::UniqueKeyOf(request->level)) what_ = key.value.substr(0, 200);
  }
  auto reader = context_.reader();
  if (!reader.ok()) {
    Refuse(STATUS_MOVE_Failed_UnableToProcess, "index unavailable: " + reader.status().message());
    return false;
  }
  auto instances = query::ListRetrieveInstances(**reader, *request);
  if (!instances.ok()) {
    Refuse(DimseStatusFor(DimseService::kRetrieve, instances.status()),
           instances.status().message());
    return false;
  }
  instances_ = std::move(instances).value();
  return true;
}

SubOperation RetrieveOperation::NextSubOperation() {
  SubOperation op;
  op.instance = &instances_[next_++];
  op.file = context_.server->store.layout().FileOf(op.instance->path);
  op.dimse_timeout_seconds = context_.server->settings.network.dimse_timeout_seconds;
  return op;
}

void RetrieveOperation::Record(const query::RetrieveInstance& instance,
                               const SubOperationResult& result) {
  metrics::ServerMetrics& counters = context_.server->metrics;
  counters.bytes_sent.Increment(result.bytes_sent);
  if (result.converted) ++converted_;
  if (result.outcome == SubOperationResult::Outcome::kCompleted) {
    ++completed_;
    counters.retrieve_suboperations.Increment(metrics::kSubOperationCompleted);
    return;
  }
  const bool failed = result.outcome == SubOperationResult::Outcome::kFailed;
  if (failed) {
    ++failed_;
    failed_uids_.push_back(instance.sop_instance_uid);
  } else {
    ++warning_;
  }
  counters.retrieve_suboperations.Increment(failed ? metrics::kSubOperationFailed
                                                   : metrics::kSubOperationWarning);
  Note(failed ? EventKind::kRetrieveFailed : EventKind::kRetrieveWarning, instance.sop_instance_uid,
       result.store_status != 0 ? std::optional<int64_t>(result.store_status) : std::nullopt,
       (failed ? "cannot send " : "warning for ") + instance.sop_instance_uid + ": " +
           result.reason);
}

void RetrieveOperation::FailRemaining(const std::string& reason) {
  if (!HasNext()) return;
  const size_t count = instances_.size() - next_;
  for (; next_ < instances_.size(); ++next_) failed_uids_.push_back(instances_[next_].sop_instance_uid);
  failed_ += static_cast<int>(count);
  context_.server->metrics.retrieve_suboperations.Increment(metrics::kSubOperationFailed, count);
  // One line and one event for all of them, however many there are.
  Note(EventKind::kRetrieveFailed, "", std::nullopt,
       std::to_string(count) + " sub-operations not attempted: " + reason);
}

void RetrieveOperation::Note(EventKind kind, const std::string& sop_instance_uid,
                             std::optional<int64_t> status, const std::string& what) const {
  const std::string to = destination_.empty() ? "" : " to " + destination_;
  LogWarning({{"service", service_},
              {"calling_aet", context_.calling_ae},
              {"destination", destination_},
              {"sop_instance_uid", sop_instance_uid},
              {"status", status ? Hex(static_cast<Uint16>(*status)) : ""},
              {"reason", what}},
             "{} from {}{}: {}", service_, context_.calling_ae, to, what);
  EventRecord event;
  event.kind = kind;
  event.sop_instance_uid = sop_instance_uid;
  event.calling_aet = context_.calling_ae;
  event.status_code = status;
  event.detail = service_ + to + ": " + what;
  Status s = context_.server->writer.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record {} event: {}", service_, s.ToString());
}

Uint16 RetrieveOperation::final_status() const {
  if (refused_status_ != 0) return refused_status_;
  if (cancelled_) return STATUS_MOVE_Cancel_SubOperationsTerminatedDueToCancelIndication;  // FE00
  // PS3.4 C.4.2.3.1: when every sub-operation failed, a refusal status.
  if (failed_ > 0 && completed_ + warning_ == 0) {
    return STATUS_MOVE_Refused_OutOfResourcesSubOperations;  // A702
  }
  if (failed_ > 0 || warning_ > 0) return STATUS_MOVE_Warning_SubOperationsCompleteOneOrMoreFailures;
  return STATUS_Success;
}

DcmDataset* RetrieveOperation::StatusDetail() const {
  return ErrorCommentDetail(comment_).release();
}

DcmDataset* RetrieveOperation::FailedUidIdentifier() const {
  if (failed_uids_.empty()) return nullptr;
  std::string list;
  for (const std::string& uid : failed_uids_) list += (list.empty() ? "" : "\\") + uid;
  auto* identifier = new DcmDataset;
  // PS3.4 C.4.2.1.5: Failed SOP Instance UID List (0008,0058).
  identifier->putAndInsertString(DCM_FailedSOPInstanceUIDList, list.c_str());
  return identifier;
}

void RetrieveOperation::Report() const {
  const Uint16 status = final_status();
  responses_.Increment(metrics::StatusLabel(status));
  const std::string counts = std::to_string(instances_.size()) + " instances: " +
                             std::to_string(completed_) + " completed (" +
                             std::to_string(converted_) + " converted), " +
                             std::to_string(failed_) + " failed, " + std::to_string(warning_) +
                             " warning";
  const std::string to = destination_.empty() ? "" : " to " + destination_;
  LogInfo({{"service", service_},
           {"calling_aet", context_.calling_ae},
           {"destination", destination_},
           {"query_level", level_},
           {"instances", instances_.size()},
           {"completed", completed_},
           {"failed", failed_},
           {"warning", warning_},
           {"status", Hex(status)}},
          "{} from {}{}: level {} {}, {}, status {}{}{}", service_, context_.calling_ae, to, level_,
          what_, counts, Hex(status), comment_.empty() ? "" : ": ", comment_);
  EventRecord event;
  event.kind = EventKind::kRetrieve;
  event.calling_aet = context_.calling_ae;
  event.status_code = status;
  event.detail = service_ + " " + level_ + " " + what_ + to + ": " + counts +
                 (comment_.empty() ? "" : "; " + comment_);
  Status s = context_.server->writer.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record {} in the history: {}", service_, s.ToString());
}

template <typename Response>
void RetrieveOperation::FillCounts(Response* response, bool pending) const {
  static_assert(O_GET_NUMBEROFREMAININGSUBOPERATIONS == O_MOVE_NUMBEROFREMAININGSUBOPERATIONS &&
                O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS == O_MOVE_NUMBEROFCOMPLETEDSUBOPERATIONS &&
                O_GET_NUMBEROFFAILEDSUBOPERATIONS == O_MOVE_NUMBEROFFAILEDSUBOPERATIONS &&
                O_GET_NUMBEROFWARNINGSUBOPERATIONS == O_MOVE_NUMBEROFWARNINGSUBOPERATIONS);
  if (refused_status_ != 0) return;  // a refusal carries no counts
  response->NumberOfCompletedSubOperations = CountValue(completed_);
  response->NumberOfFailedSubOperations = CountValue(failed_);
  response->NumberOfWarningSubOperations = CountValue(warning_);
  response->opts |= O_GET_NUMBEROFCOMPLETEDSUBOPERATIONS | O_GET_NUMBEROFFAILEDSUBOPERATIONS |
                    O_GET_NUMBEROFWARNINGSUBOPERATIONS;
  // PS3.4 C.4.2.1.5: Remaining is sent in pending responses and after a cancel.
  if (pending || cancelled_) {
    response->NumberOfRemainingSubOperations = CountValue(instances_.size() - next_);
    response->opts |= O_GET_NUMBEROFREMAININGSUBOPERATIONS;
  }
}

template <typename Response>
void RetrieveOperation::Advance(bool cancelled, const Sender& send, Response* response,
                                DcmDataset** detail, DcmDataset** ids) {
  if (cancelled) Cancel();  // PS3.4 C.4.2.2, C.4.3.2: stop between sub-operations
  // A stopping server answers now: what was not sent is failed, so the
  // requestor knows exactly what to retrieve again.
  if (!cancelled_ && context_.server->stopping.load()) FailRemaining("server stopping");
  if (!cancelled_ && HasNext()) {
    const SubOperation sub = NextSubOperation();
    SubOperationResult result;
    const OFCondition cond = send(sub, &result);
    Record(*sub.instance, result);
    if (cond.bad()) FailRemaining(std::string("association lost: ") + cond.text());
    if (result.cancel_received) Cancel();  // arrived while the C-STORE-RSP was awaited
    if (cond.good() && !cancelled_) {
      response->DimseStatus = STATUS_Pending;  // FF00, with the counts
      FillCounts(response, true);
      return;
    }
  }
  FillFinal(response, detail, ids);
}

template <typename Response>
void RetrieveOperation::FillFinal(Response* response, DcmDataset** detail, DcmDataset** ids) const {
  response->DimseStatus = final_status();
  FillCounts(response, false);
  *detail = StatusDetail();
  *ids = FailedUidIdentifier();
}

// The two responses these templates serve.
template void RetrieveOperation::Advance(bool, const Sender&, T_DIMSE_C_GetRSP*, DcmDataset**,
                                         DcmDataset**);
template void RetrieveOperation::Advance(bool, const Sender&, T_DIMSE_C_MoveRSP*, DcmDataset**,
                                         DcmDataset**);
template void RetrieveOperation::FillFinal(T_DIMSE_C_GetRSP*, DcmDataset**, DcmDataset**) const;
template void RetrieveOperation::FillFinal(T_DIMSE_C_MoveRSP*, DcmDataset**, DcmDataset**) const;

}  // namespace pixeldex::server

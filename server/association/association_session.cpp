#include "server/association/association_session.h"

#include <dcmtk/dcmnet/dimse.h>

#include <vector>

#include "catalog/common/clock.h"
#include "catalog/common/log.h"
#include "server/access/ae_title.h"
#include "server/association/command_admission.h"
#include "server/association/presentation_contexts.h"
#include "server/association/query_extended_negotiation.h"
#include "server/dimse/request_refusal.h"
#include "server/dimse/store_handler.h"
#include "server/find/find_handler.h"
#include "server/listener/guarded_connection.h"
#include "server/retrieve/get_handler.h"
#include "server/retrieve/move_handler.h"

namespace pixeldex::server {
namespace {

// Polling interval while idle, so that a stop request is noticed promptly.
constexpr int kIdlePollSeconds = 1;

void Reject(T_ASC_Association* assoc, T_ASC_RejectParametersResult result,
            T_ASC_RejectParametersSource source, T_ASC_RejectParametersReason reason) {
  T_ASC_RejectParameters rej{result, source, reason};
  ASC_rejectAssociation(assoc, &rej);
}

// The history row of an association that never got past negotiation.
AssociationRecord RejectedRecord(T_ASC_Association* assoc, const std::string& started_at,
                                 const std::string& why) {
  AssociationRecord record;
  record.calling_aet = assoc->params->DULparams.callingAPTitle;
  record.called_aet = assoc->params->DULparams.calledAPTitle;
  record.peer_address = assoc->params->DULparams.callingPresentationAddress;
  record.started_at = started_at;
  record.ended_at = NowIso8601();
  record.rejected_contexts = ASC_countPresentationContexts(assoc->params);
  record.outcome = "rejected: " + why;
  return record;
}

template <typename HistoryRecord>
void RecordOrWarn(index::IndexWriter& writer, HistoryRecord record) {
  Status s = writer.Record(std::move(record));
  if (!s.ok()) LogWarning("cannot record association in the history: {}", s.ToString());
}

}  // namespace

void RejectOverLimit(T_ASC_Association* assoc, const ServerContext& context) {
  const std::string why = "too many concurrent associations";
  const DUL_ASSOCIATESERVICEPARAMETERS& dul = assoc->params->DULparams;
  LogWarning({{"calling_aet", dul.callingAPTitle},
              {"called_aet", dul.calledAPTitle},
              {"peer", dul.callingPresentationAddress},
              {"outcome", "rejected"},
              {"reason", why}},
             "association {} -> {} from {} rejected: {}", dul.callingAPTitle, dul.calledAPTitle,
             dul.callingPresentationAddress, why);
  Reject(assoc, ASC_RESULT_REJECTEDTRANSIENT, ASC_SOURCE_SERVICEPROVIDER_PRESENTATION_RELATED,
         ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED);
  context.metrics.associations_rejected.Increment();
  RecordOrWarn(context.writer, RejectedRecord(assoc, NowIso8601(), why));
  ASC_dropAssociation(assoc);
  ASC_destroyAssociation(&assoc);
}

AssociationSession::AssociationSession(T_ASC_Association* assoc, const ServerContext& context)
    : assoc_(assoc),
      context_(context),
      calling_aet_(SignificantAeTitle(assoc->params->DULparams.callingAPTitle).value_or("")),
      called_aet_(SignificantAeTitle(assoc->params->DULparams.calledAPTitle).value_or("")),
      peer_(assoc->params->DULparams.callingPresentationAddress),
      started_at_(NowIso8601()) {}

AssociationSession::~AssociationSession() {
  ASC_dropAssociation(assoc_);
  ASC_destroyAssociation(&assoc_);
}

void AssociationSession::Run() {
  if (!Negotiate()) return;
  context_.metrics.associations_total.Increment();
  const std::string ending = Serve();
  RecordAssociation(ending);
  LogLine(LogLevel::kInfo,
          fmt::format("association {} -> {} from {} ended ({}): {} stored, {} failed, {} bytes, "
                      "{} C-FIND, {} C-GET/C-MOVE",
                      calling_aet_, called_aet_, peer_, ending, stats_.instances_stored,
                      stats_.store_failures, stats_.bytes_received, stats_.finds, stats_.retrieves),
          {{"outcome", ending},
           {"instances_stored", stats_.instances_stored},
           {"store_failures", stats_.store_failures},
           {"bytes", stats_.bytes_received},
           {"finds", stats_.finds},
           {"retrieves", stats_.retrieves}});
}

void AssociationSession::AbortAfter(const Status& unexpected) {
  LogLine(LogLevel::kError,
          fmt::format("association {} -> {} from {} aborted: {}", calling_aet_, called_aet_, peer_,
                      unexpected.message()),
          {{"outcome", "aborted"}, {"reason", unexpected.message()}});
  ASC_abortAssociation(assoc_);
  EventRecord event;
  event.kind = EventKind::kAssociationAborted;
  event.calling_aet = calling_aet_;
  event.detail = unexpected.message();
  RecordOrWarn(context_.writer, std::move(event));
  RecordAssociation("aborted: internal error");
}

void AssociationSession::RejectWith(T_ASC_RejectParametersResult result,
                                    T_ASC_RejectParametersSource source,
                                    T_ASC_RejectParametersReason reason, const std::string& why) {
  LogLine(LogLevel::kWarning,
          fmt::format("association {} -> {} from {} rejected: {}", calling_aet_, called_aet_, peer_,
                      why),
          {{"outcome", "rejected"}, {"reason", why}});
  context_.metrics.associations_rejected.Increment();
  Reject(assoc_, result, source, reason);
  RecordOrWarn(context_.writer, RejectedRecord(assoc_, started_at_, why));
}

void AssociationSession::LogLine(LogLevel level, const std::string& message,
                                 LogFields extra) const {
  if (!LogEnabled(level)) return;
  std::vector<LogField> fields = {
      {"calling_aet", calling_aet_}, {"called_aet", called_aet_}, {"peer", peer_}};
  fields.insert(fields.end(), extra);
  WriteLogLine(level, message, fields);
}

void AssociationSession::RecordAssociation(const std::string& outcome) {
  AssociationRecord record;
  record.calling_aet = calling_aet_;
  record.called_aet = called_aet_;
  record.peer_address = peer_;
  record.started_at = started_at_;
  record.ended_at = NowIso8601();
  record.accepted_contexts = ASC_countAcceptedPresentationContexts(assoc_->params);
  record.rejected_contexts =
      ASC_countPresentationContexts(assoc_->params) - record.accepted_contexts;
  record.instances = stats_.instances_stored;
  record.bytes = stats_.bytes_received;
  record.outcome = outcome;
  RecordOrWarn(context_.writer, std::move(record));
}

Result<query::IndexReader*> AssociationSession::Reader() {
  if (!reader_) {
    auto reader = context_.open_find_reader();
    if (!reader.ok()) return reader.status();
    reader_ = std::move(reader).value();
  }
  return reader_.get();
}

RetrieveContext AssociationSession::MakeRetrieveContext() {
  RetrieveContext retrieve;
  retrieve.server = &context_;
  retrieve.reader = [this] { return Reader(); };
  retrieve.calling_ae = calling_aet_;
  return retrieve;
}

bool AssociationSession::Negotiate() {
  const NetworkSettings& net = context_.settings.network;
  if (net.require_called_aet && called_aet_ != net.aet) {
    RejectWith(ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
               ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED, "called AE title is not " + net.aet);
    return false;
  }
  const std::shared_ptr<const AccessPolicy> access = context_.access.Current();
  // The PduInspector refuses invalid AE titles before DCMTK reads them; an
  // empty title here means DCMTK's copy was not one either.
  if (calling_aet_.empty() || !access->MayAssociate(calling_aet_, peer_)) {
    RejectWith(ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER,
               ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED, "calling AE title not allowed");
    return false;
  }
  allowed_.accept_unknown_sop_classes = net.accept_unknown_sop_classes;
  allowed_.allow_store = access->MayStore(calling_aet_, peer_);
  allowed_.allow_find = access->MayFind(calling_aet_, peer_);
  allowed_.allow_retrieve = access->MayRetrieve(calling_aet_, peer_);
  OFCondition cond = AcceptPresentationContexts(assoc_->params, allowed_);
  if (const std::string rejected = DescribeRejectedContexts(assoc_->params); !rejected.empty()) {
    LogLine(
        LogLevel::kInfo,
        fmt::format("association {} -> {} from {}: {}", calling_aet_, called_aet_, peer_, rejected),
        {{"rejected_contexts", ASC_countPresentationContexts(assoc_->params) -
                                   ASC_countAcceptedPresentationContexts(assoc_->params)}});
  }
  if (cond.good() && ASC_countAcceptedPresentationContexts(assoc_->params) == 0) {
    RejectWith(ASC_RESULT_REJECTEDPERMANENT, ASC_SOURCE_SERVICEUSER, ASC_REASON_SU_NOREASON,
               "no acceptable presentation context");
    return false;
  }
  if (cond.good()) combined_datetime_ = NegotiateQueryExtensions(assoc_->params);
  if (cond.good()) cond = ASC_setAPTitles(assoc_->params, nullptr, nullptr, net.aet.c_str());
  if (cond.good()) cond = ASC_acknowledgeAssociation(assoc_);
  if (cond.bad()) {
    LogLine(LogLevel::kError,
            fmt::format("association {} -> {} from {} failed during negotiation: {}", calling_aet_,
                        called_aet_, peer_, cond.text()),
            {{"outcome", "failed"}, {"reason", cond.text()}});
    return false;
  }
  const int accepted = ASC_countAcceptedPresentationContexts(assoc_->params);
  LogLine(LogLevel::kDebug,
          fmt::format("association {} -> {} from {} accepted, {} presentation contexts",
                      calling_aet_, called_aet_, peer_, accepted),
          {{"outcome", "accepted"}, {"accepted_contexts", accepted}});
  return true;
}

std::string AssociationSession::Serve() {
  int idle_seconds = 0;
  for (;;) {
    if (context_.stopping.load()) {
      ASC_abortAssociation(assoc_);
      return "server stopping";
    }
    T_DIMSE_Message message{};
    T_ASC_PresentationContextID pres_id = 0;
    OFCondition cond = DIMSE_receiveCommand(assoc_, DIMSE_NONBLOCKING, kIdlePollSeconds, &pres_id,
                                            &message, nullptr);
    if (cond == DIMSE_NODATAAVAILABLE) {
      idle_seconds += kIdlePollSeconds;
      if (idle_seconds >= context_.settings.network.dimse_timeout_seconds) {
        ASC_abortAssociation(assoc_);
        return "idle timeout";
      }
      continue;
    }
    idle_seconds = 0;
    if (cond == DUL_PEERREQUESTEDRELEASE) {
      ASC_acknowledgeRelease(assoc_);
      return "released";
    }
    if (cond == DUL_PEERABORTEDASSOCIATION) return "aborted by peer";
    if (cond.bad()) {
      LogLine(LogLevel::kError,
              fmt::format("association {} from {}: cannot read DIMSE command: {}", calling_aet_,
                          peer_, cond.text()),
              {{"outcome", "aborted"}, {"reason", cond.text()}});
      ASC_abortAssociation(assoc_);
      return "aborted: bad command";
    }
    cond = Dispatch(message, pres_id);
    if (cond.bad()) {
      ASC_abortAssociation(assoc_);
      return std::string("aborted: ") + cond.text();
    }
  }
}

std::optional<CommandRefusal> AssociationSession::Admit(const T_DIMSE_Message& message,
                                                       T_ASC_PresentationContextID pres_id) const {
  T_ASC_PresentationContext pc;
  if (ASC_findAcceptedPresentationContext(assoc_->params, pres_id, &pc).bad()) {
    return CommandRefusal{kStatusSopClassNotSupported, "no accepted presentation context"};
  }
  const char* sop_class = "";
  const auto& m = message.msg;
  switch (message.CommandField) {
    case DIMSE_C_ECHO_RQ: sop_class = m.CEchoRQ.AffectedSOPClassUID; break;
    case DIMSE_C_STORE_RQ: sop_class = m.CStoreRQ.AffectedSOPClassUID; break;
    case DIMSE_C_FIND_RQ: sop_class = m.CFindRQ.AffectedSOPClassUID; break;
    case DIMSE_C_GET_RQ: sop_class = m.CGetRQ.AffectedSOPClassUID; break;
    case DIMSE_C_MOVE_RQ: sop_class = m.CMoveRQ.AffectedSOPClassUID; break;
    default: break;
  }
  // PS3.7 D.3.3.4: accepted with the SCP role only, the requestor may not
  // be the context's SCU.
  const ArrivedOn arrived{pc.abstractSyntax, pc.acceptedRole != ASC_SC_ROLE_SCP};
  return AdmitCommand(static_cast<uint16_t>(message.CommandField), sop_class, arrived, allowed_);
}

OFCondition AssociationSession::Dispatch(T_DIMSE_Message& message,
                                         T_ASC_PresentationContextID pres_id) {
  if (const std::optional<CommandRefusal> refusal = Admit(message, pres_id)) {
    LogLine(LogLevel::kWarning,
            fmt::format("association {} from {}: command 0x{:04X} on presentation context {} "
                        "refused with status {:04X}: {}",
                        calling_aet_, peer_, static_cast<unsigned>(message.CommandField), pres_id,
                        refusal->status, refusal->reason),
            {{"command", fmt::format("{:04X}", static_cast<unsigned>(message.CommandField))},
             {"status", fmt::format("{:04X}", refusal->status)},
             {"reason", refusal->reason}});
    return RefuseRequest(assoc_, pres_id, message, refusal->status, refusal->reason,
                         context_.settings.network.dimse_timeout_seconds);
  }
  if (context_.before_dispatch) context_.before_dispatch(message.CommandField);
  switch (message.CommandField) {
    case DIMSE_C_ECHO_RQ: {
      context_.metrics.echoes.Increment();
      const HeldWrites one_write(assoc_);
      return DIMSE_sendEchoResponse(assoc_, pres_id, &message.msg.CEchoRQ, STATUS_Success,
                                    nullptr);
    }
    case DIMSE_C_STORE_RQ:
      return HandleStoreRequest(assoc_, message.msg.CStoreRQ, pres_id, context_, stats_);
    case DIMSE_C_FIND_RQ: {
      ++stats_.finds;
      FindContext find_context;
      find_context.reader = [this] { return Reader(); };
      find_context.options.pn_case_insensitive = context_.settings.query.pn_case_insensitive;
      find_context.options.max_results = static_cast<size_t>(context_.settings.query.max_results);
      find_context.options.max_keys = static_cast<size_t>(context_.settings.query.max_keys);
      find_context.time_limit = std::chrono::seconds(context_.settings.query.time_limit_seconds);
      find_context.calling_ae = calling_aet_;
      find_context.combined_datetime = combined_datetime_;
      find_context.responses = &context_.metrics.finds;
      return HandleFindRequest(assoc_, message, pres_id, find_context);
    }
    case DIMSE_C_GET_RQ:
      ++stats_.retrieves;
      return HandleGetRequest(assoc_, message, pres_id, MakeRetrieveContext());
    case DIMSE_C_MOVE_RQ:
      ++stats_.retrieves;
      return HandleMoveRequest(assoc_, message, pres_id, MakeRetrieveContext());
    case DIMSE_C_CANCEL_RQ:
      // PS3.7 9.3.2.3, 9.3.3.3, 9.3.4.3: C-CANCEL has no response; one that
      // arrives after its operation's final response has nothing to cancel.
      LogDebug("association {} from {}: C-CANCEL for finished message {} ignored", calling_aet_,
               peer_, message.msg.CCancelRQ.MessageIDBeingRespondedTo);
      return EC_Normal;
    default:
      // PS3.7 9.3.1: a request for a service not negotiated; nothing sensible
      // can be answered on this association.
      LogLine(LogLevel::kError,
              fmt::format("association {} from {}: unsupported DIMSE command 0x{:04X}",
                          calling_aet_, peer_, static_cast<unsigned>(message.CommandField)),
              {{"command", fmt::format("{:04X}", static_cast<unsigned>(message.CommandField))}});
      return DIMSE_BADCOMMANDTYPE;
  }
}

}  // namespace pixeldex::server

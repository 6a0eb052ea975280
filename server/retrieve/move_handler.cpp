#include "server/retrieve/move_handler.h"

#include <memory>

#include "catalog/common/log.h"
#include "server/retrieve/move_destinations.h"
#include "server/retrieve/store_association.h"

namespace pixeldex::server {
namespace {

struct MoveSession {
  const RetrieveContext* context = nullptr;
  RetrieveOperation* operation = nullptr;
  std::unique_ptr<StoreAssociation> destination;
};

// Resolves the destination and opens the sub-association; false when the
// request is refused.
bool Start(MoveSession& s, const T_DIMSE_C_MoveRQ& rq, DcmDataset* identifier) {
  RetrieveOperation& op = *s.operation;
  op.set_destination(rq.MoveDestination);
  const Settings& settings = s.context->server->settings;
  auto destinations = ParseMoveDestinations(settings.move.destinations);
  const MoveDestination* destination =
      destinations.ok() ? FindMoveDestination(*destinations, rq.MoveDestination) : nullptr;
  if (destination == nullptr) {
    // PS3.4 C.4.2.1.3.1: the SCP must know where the destination listens.
    op.Refuse(STATUS_MOVE_Refused_MoveDestinationUnknown,  // A801
              std::string("move destination unknown: ") + rq.MoveDestination);
    return false;
  }
  if (!op.Start(rq.AffectedSOPClassUID, identifier)) return false;
  if (op.instances().empty()) return true;
  StoreAssociationOptions options;
  options.calling_aet = settings.network.aet;
  options.max_pdu = settings.network.max_pdu;
  options.acse_timeout_seconds = settings.network.acse_timeout_seconds;
  options.dimse_timeout_seconds = settings.network.dimse_timeout_seconds;
  options.tls = s.context->server->move_tls;
  auto opened = StoreAssociation::Open(*destination, op.instances(), options);
  if (!opened.ok()) {
    op.Refuse(STATUS_MOVE_Refused_OutOfResourcesSubOperations,  // A702
              opened.status().message());
    return false;
  }
  s.destination = std::move(opened).value();
  return true;
}

void MoveCallback(void* data, OFBool cancelled, T_DIMSE_C_MoveRQ* rq, DcmDataset* identifier,
                  int response_count, T_DIMSE_C_MoveRSP* response, DcmDataset** detail,
                  DcmDataset** ids) {
  auto& s = *static_cast<MoveSession*>(data);
  *detail = nullptr;
  *ids = nullptr;
  RetrieveOperation& op = *s.operation;
  if (response_count == 1 && !Start(s, *rq, identifier)) {
    op.FillFinal(response, detail, ids);
  } else {
    op.Advance(cancelled,
               [&s, rq](const SubOperation& sub, SubOperationResult* result) {
                 SubOperation to_destination = sub;
                 to_destination.sender = StoreSender::kRequestor;
                 to_destination.move_originator_aet = s.context->calling_ae;
                 to_destination.move_originator_message_id = rq->MessageID;
                 const OFCondition cond = RunSubOperation(s.destination->get(), to_destination, result);
                 if (cond.bad()) s.destination->MarkBroken();
                 return cond;
               },
               response, detail, ids);
  }
  // Release the destination before the final response goes out, so that
  // the originator sees it only once everything arrived.
  if (response->DimseStatus != STATUS_Pending) s.destination.reset();
}

}  // namespace

OFCondition HandleMoveRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                              T_ASC_PresentationContextID pres_id, const RetrieveContext& context) {
  RetrieveOperation operation("C-MOVE", context.server->metrics.moves, context);
  MoveSession session{&context, &operation, nullptr};
  const OFCondition cond = DIMSE_moveProvider(assoc, pres_id, &request.msg.CMoveRQ, MoveCallback,
                                              &session, DIMSE_BLOCKING, 0);
  session.destination.reset();
  operation.Report();
  if (cond.bad()) LogWarning("C-MOVE from {}: DIMSE failure: {}", context.calling_ae, cond.text());
  return cond;
}

}  // namespace pixeldex::server

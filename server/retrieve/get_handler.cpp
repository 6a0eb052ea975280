#include "server/retrieve/get_handler.h"

#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

struct GetSession {
  T_ASC_Association* assoc = nullptr;
  RetrieveOperation* operation = nullptr;
  OFCondition network = EC_Normal;  // a failed sub-operation exchange
};

void Final(GetSession& s, T_DIMSE_C_GetRSP* response, DcmDataset** detail, DcmDataset** ids) {
  response->DimseStatus = s.operation->final_status();
  s.operation->FillCounts(response, false);
  *detail = s.operation->StatusDetail();
  *ids = s.operation->FailedUidIdentifier();
}

void GetCallback(void* data, OFBool cancelled, T_DIMSE_C_GetRQ* rq, DcmDataset* identifier,
                 int response_count, T_DIMSE_C_GetRSP* response, DcmDataset** detail,
                 DcmDataset** ids) {
  auto& s = *static_cast<GetSession*>(data);
  *detail = nullptr;
  *ids = nullptr;
  RetrieveOperation& op = *s.operation;
  if (response_count == 1 && !op.Start(rq->AffectedSOPClassUID, identifier)) {
    Final(s, response, detail, ids);
    return;
  }
  if (cancelled) op.Cancel();  // PS3.4 C.4.3.2: stop between sub-operations
  if (op.cancelled() || !op.HasNext()) {
    Final(s, response, detail, ids);
    return;
  }
  SubOperation sub = op.NextSubOperation();
  sub.sender = StoreSender::kAcceptor;
  SubOperationResult result;
  s.network = RunSubOperation(s.assoc, sub, &result);
  op.Record(*sub.instance, result);
  if (s.network.bad()) {
    // The association is gone: nothing more can be sent on it.
    op.FailRemaining("association lost");
  }
  if (result.cancel_received) op.Cancel();  // while the C-STORE-RSP was awaited
  if (s.network.bad() || op.cancelled()) {
    Final(s, response, detail, ids);
    return;
  }
  response->DimseStatus = STATUS_Pending;  // FF00, with the counts
  op.FillCounts(response, true);
}

}  // namespace

OFCondition HandleGetRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                             T_ASC_PresentationContextID pres_id, const RetrieveContext& context) {
  RetrieveOperation operation("C-GET", context);
  GetSession session{assoc, &operation};
  OFCondition cond = DIMSE_getProvider(assoc, pres_id, &request.msg.CGetRQ, GetCallback, &session,
                                       DIMSE_BLOCKING, 0);
  operation.Report();
  if (cond.good() && session.network.bad()) cond = session.network;
  if (cond.bad()) LogWarning("C-GET from {}: DIMSE failure: {}", context.calling_ae, cond.text());
  return cond;
}

}  // namespace pixeldex::server

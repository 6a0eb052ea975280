#include "server/retrieve/get_handler.h"

#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

struct GetSession {
  T_ASC_Association* assoc = nullptr;
  RetrieveOperation* operation = nullptr;
  OFCondition network = EC_Normal;  // a failed sub-operation exchange
};

void GetCallback(void* data, OFBool cancelled, T_DIMSE_C_GetRQ* rq, DcmDataset* identifier,
                 int response_count, T_DIMSE_C_GetRSP* response, DcmDataset** detail,
                 DcmDataset** ids) {
  auto& s = *static_cast<GetSession*>(data);
  *detail = nullptr;
  *ids = nullptr;
  RetrieveOperation& op = *s.operation;
  if (response_count == 1 && !op.Start(rq->AffectedSOPClassUID, identifier)) {
    op.FillFinal(response, detail, ids);
    return;
  }
  op.Advance(cancelled,
             [&s](const SubOperation& sub, SubOperationResult* result) {
               SubOperation on_this_association = sub;
               on_this_association.sender = StoreSender::kAcceptor;
               s.network = RunSubOperation(s.assoc, on_this_association, result);
               return s.network;
             },
             response, detail, ids);
}

}  // namespace

OFCondition HandleGetRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                             T_ASC_PresentationContextID pres_id, const RetrieveContext& context) {
  RetrieveOperation operation("C-GET", context.server->metrics.gets, context);
  GetSession session{assoc, &operation};
  OFCondition cond = DIMSE_getProvider(assoc, pres_id, &request.msg.CGetRQ, GetCallback, &session,
                                       DIMSE_BLOCKING, 0);
  operation.Report();
  if (cond.good() && session.network.bad()) cond = session.network;
  if (cond.bad()) LogWarning("C-GET from {}: DIMSE failure: {}", context.calling_ae, cond.text());
  return cond;
}

}  // namespace pixeldex::server

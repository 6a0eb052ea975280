#include "server/dimse/request_refusal.h"

#include <dcmtk/dcmdata/dcdeftag.h>

namespace pixeldex::server {
namespace {

template <typename Response, typename Request>
Response ResponseTo(const Request& request, Uint16 status) {
  Response response{};
  response.MessageIDBeingRespondedTo = request.MessageID;
  response.DimseStatus = status;
  response.DataSetType = DIMSE_DATASET_NULL;
  OFStandard::strlcpy(response.AffectedSOPClassUID, request.AffectedSOPClassUID,
                      sizeof(response.AffectedSOPClassUID));
  return response;
}

bool AnnouncesDataSet(const T_DIMSE_Message& request) {
  switch (request.CommandField) {
    case DIMSE_C_STORE_RQ: return request.msg.CStoreRQ.DataSetType != DIMSE_DATASET_NULL;
    case DIMSE_C_FIND_RQ: return request.msg.CFindRQ.DataSetType != DIMSE_DATASET_NULL;
    case DIMSE_C_GET_RQ: return request.msg.CGetRQ.DataSetType != DIMSE_DATASET_NULL;
    case DIMSE_C_MOVE_RQ: return request.msg.CMoveRQ.DataSetType != DIMSE_DATASET_NULL;
    default: return false;
  }
}

}  // namespace

T_DIMSE_C_StoreRSP StoreResponseTo(const T_DIMSE_C_StoreRQ& request, Uint16 status) {
  auto response = ResponseTo<T_DIMSE_C_StoreRSP>(request, status);
  OFStandard::strlcpy(response.AffectedSOPInstanceUID, request.AffectedSOPInstanceUID,
                      sizeof(response.AffectedSOPInstanceUID));
  response.opts = O_STORE_AFFECTEDSOPCLASSUID | O_STORE_AFFECTEDSOPINSTANCEUID;
  return response;
}

std::unique_ptr<DcmDataset> ErrorCommentDetail(const std::string& comment) {
  if (comment.empty()) return nullptr;
  auto detail = std::make_unique<DcmDataset>();
  detail->putAndInsertString(DCM_ErrorComment, comment.substr(0, 64).c_str());
  return detail;
}

OFCondition RefuseRequest(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                          T_DIMSE_Message& request, Uint16 status, const std::string& comment,
                          int timeout_seconds) {
  if (AnnouncesDataSet(request)) {
    DIC_UL bytes_read = 0;
    DIC_UL pdv_count = 0;
    const OFCondition drained =
        DIMSE_ignoreDataSet(assoc, DIMSE_NONBLOCKING, timeout_seconds, &bytes_read, &pdv_count);
    if (drained.bad()) return drained;
  }
  const std::unique_ptr<DcmDataset> detail = ErrorCommentDetail(comment);
  auto& m = request.msg;
  switch (request.CommandField) {
    case DIMSE_C_ECHO_RQ:
      return DIMSE_sendEchoResponse(assoc, pres_id, &m.CEchoRQ, status, detail.get());
    case DIMSE_C_STORE_RQ: {
      auto response = StoreResponseTo(m.CStoreRQ, status);
      return DIMSE_sendStoreResponse(assoc, pres_id, &m.CStoreRQ, &response, detail.get());
    }
    case DIMSE_C_FIND_RQ: {
      auto response = ResponseTo<T_DIMSE_C_FindRSP>(m.CFindRQ, status);
      response.opts = O_FIND_AFFECTEDSOPCLASSUID;
      return DIMSE_sendFindResponse(assoc, pres_id, &m.CFindRQ, &response, nullptr, detail.get());
    }
    case DIMSE_C_GET_RQ: {
      auto response = ResponseTo<T_DIMSE_C_GetRSP>(m.CGetRQ, status);
      response.opts = O_GET_AFFECTEDSOPCLASSUID;
      return DIMSE_sendGetResponse(assoc, pres_id, &m.CGetRQ, &response, nullptr, detail.get());
    }
    case DIMSE_C_MOVE_RQ: {
      auto response = ResponseTo<T_DIMSE_C_MoveRSP>(m.CMoveRQ, status);
      response.opts = O_MOVE_AFFECTEDSOPCLASSUID;
      return DIMSE_sendMoveResponse(assoc, pres_id, &m.CMoveRQ, &response, nullptr, detail.get());
    }
    default:
      return DIMSE_BADCOMMANDTYPE;
  }
}

}  // namespace pixeldex::server

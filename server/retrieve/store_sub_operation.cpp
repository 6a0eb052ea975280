#include "server/retrieve/store_sub_operation.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <memory>
#include <system_error>

#include "catalog/metadata/sequence_depth.h"
#include "catalog/storage/storage_layout.h"
#include "server/lazy_file_load.h"

namespace pixeldex::server {
namespace {

using Outcome = SubOperationResult::Outcome;

void Fail(SubOperationResult* result, std::string reason) {
  result->outcome = Outcome::kFailed;
  result->reason = std::move(reason);
}

// Loads the stored file and checks that it holds the instance the index says.
Status Load(const SubOperation& op, DcmFileFormat& file) {
  // Index paths are relative and below the root, or absolute for files
  // cataloged in place outside it (pixeldex import --in-place); a relative
  // path that climbs out is refused rather than read. Whatever the path, only
  // a regular file that passes the stored data set checks and holds the SOP
  // Instance UID of its row is sent (an edited index must not make pixeldex
  // send /etc/...).
  PIXELDEX_RETURN_IF_ERROR(storage::StorageLayout::CheckRecordedPath(op.instance->path));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(op.file, ec)) {
    return Status::NotFound("stored file " + op.instance->path + " is missing");
  }
  // A file stored before these checks, or changed since, costs no more to
  // refuse than to read its headers.
  PIXELDEX_RETURN_IF_ERROR(metadata::CheckStoredDataSet(op.file.string()));
  const OFCondition cond = LoadLeavingLargeValuesOnDisk(op.file, file);
  if (cond.bad()) {
    return Status::Corruption("cannot read stored file " + op.instance->path + ": " + cond.text());
  }
  OFString uid;
  file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  if (op.instance->sop_instance_uid != uid.c_str()) {
    return Status::Corruption("stored file " + op.instance->path + " holds SOP Instance UID '" +
                              uid.c_str() + "'");
  }
  return Status::Ok();
}

T_DIMSE_C_StoreRQ MakeRequest(T_ASC_Association* assoc, const SubOperation& op) {
  T_DIMSE_C_StoreRQ rq{};
  rq.MessageID = assoc->nextMsgID++;
  OFStandard::strlcpy(rq.AffectedSOPClassUID, op.instance->sop_class_uid.c_str(),
                      sizeof(rq.AffectedSOPClassUID));
  OFStandard::strlcpy(rq.AffectedSOPInstanceUID, op.instance->sop_instance_uid.c_str(),
                      sizeof(rq.AffectedSOPInstanceUID));
  rq.Priority = DIMSE_PRIORITY_MEDIUM;
  rq.DataSetType = DIMSE_DATASET_PRESENT;
  if (!op.move_originator_aet.empty()) {
    // PS3.4 C.4.2.2.1: sub-operations of a C-MOVE name its originator.
    OFStandard::strlcpy(rq.MoveOriginatorApplicationEntityTitle, op.move_originator_aet.c_str(),
                        sizeof(rq.MoveOriginatorApplicationEntityTitle));
    rq.MoveOriginatorID = op.move_originator_message_id;
    rq.opts = O_STORE_MOVEORIGINATORAETITLE | O_STORE_MOVEORIGINATORID;
  }
  return rq;
}

// PS3.4 B.2.3: 0000 success, B000/B006/B007 warnings, anything else failed.
void Classify(const T_DIMSE_C_StoreRSP& rsp, DcmDataset* detail, SubOperationResult* result) {
  result->store_status = rsp.DimseStatus;
  OFString comment;
  if (detail != nullptr) detail->findAndGetOFString(DCM_ErrorComment, comment);
  char status[8];
  std::snprintf(status, sizeof(status), "%04X", rsp.DimseStatus);
  const std::string why = std::string("peer answered C-STORE status ") + status +
                          (comment.empty() ? "" : std::string(": ") + comment.c_str());
  if (rsp.DimseStatus == STATUS_Success) {
    result->outcome = Outcome::kCompleted;
  } else if ((rsp.DimseStatus & 0xF000) == 0xB000) {
    result->outcome = Outcome::kWarning;
    result->reason = why;
  } else {
    Fail(result, why);
  }
}

// DIMSE reports the bytes of the data set written so far, after each PDV.
void CountSentBytes(void* bytes_sent, T_DIMSE_StoreProgress* progress, T_DIMSE_C_StoreRQ*) {
  *static_cast<uint64_t*>(bytes_sent) = static_cast<uint64_t>(progress->progressBytes);
}

}  // namespace

OFCondition RunSubOperation(T_ASC_Association* assoc, const SubOperation& op,
                            SubOperationResult* result) {
  *result = SubOperationResult{};
  DcmFileFormat file;
  if (Status loaded = Load(op, file); !loaded.ok()) {
    Fail(result, loaded.message());
    return EC_Normal;
  }
  DcmDataset* dataset = file.getDataset();
  const E_TransferSyntax stored = dataset->getOriginalXfer();
  auto context = ChooseOutgoingContext(assoc, op.instance->sop_class_uid, stored, op.sender);
  if (!context.ok()) {
    Fail(result, context.status().message());
    return EC_Normal;
  }
  if (context->converted) {
    if (Status converted = ConvertForSending(*dataset, context->transfer_syntax); !converted.ok()) {
      Fail(result, converted.message());
      return EC_Normal;
    }
  }
  result->converted = context->converted;

  T_DIMSE_C_StoreRQ rq = MakeRequest(assoc, op);
  T_DIMSE_C_StoreRSP rsp{};
  DcmDataset* detail = nullptr;
  T_DIMSE_DetectedCancelParameters cancel{};
  const OFCondition cond =
      DIMSE_storeUser(assoc, context->id, &rq, nullptr, dataset, CountSentBytes,
                      &result->bytes_sent, DIMSE_NONBLOCKING, op.dimse_timeout_seconds, &rsp,
                      &detail, op.sender == StoreSender::kAcceptor ? &cancel : nullptr);
  std::unique_ptr<DcmDataset> detail_owner(detail);
  result->cancel_received = cancel.cancelEncountered;
  if (cond.bad()) {
    Fail(result, std::string("C-STORE failed: ") + cond.text());
    return cond;
  }
  Classify(rsp, detail, result);
  return EC_Normal;
}

}  // namespace pixeldex::server

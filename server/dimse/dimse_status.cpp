#include "server/dimse/dimse_status.h"

namespace pixeldex::server {
namespace {
// PS3.7 Annex C: general statuses DCMTK has no C-STORE names for.
constexpr Uint16 kDuplicateSopInstance = 0x0111;  // C.5.8
constexpr Uint16 kProcessingFailure = 0x0110;     // C.4.2
}  // namespace

Uint16 StoreStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return STATUS_Success;
    case Status::Code::kResourceExhausted:
    case Status::Code::kIoError: return STATUS_STORE_Refused_OutOfResources;
    case Status::Code::kInvalidArgument: return STATUS_STORE_Error_DataSetDoesNotMatchSOPClass;
    case Status::Code::kCorruption: return STATUS_STORE_Error_CannotUnderstand;
    case Status::Code::kAlreadyExists: return kDuplicateSopInstance;
    default: return kProcessingFailure;
  }
}

}  // namespace pixeldex::server

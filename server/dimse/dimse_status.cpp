#include "server/dimse/dimse_status.h"

#include <array>

namespace pixeldex::server {
namespace {

// PS3.7 Annex C: general statuses DCMTK has no C-STORE names for.
constexpr Uint16 kDuplicateSopInstance = 0x0111;  // C.5.8
constexpr Uint16 kProcessingFailure = 0x0110;     // C.4.2

using Code = Status::Code;
constexpr Uint16 kFindFailed = STATUS_FIND_Failed_UnableToProcess;        // C000
constexpr Uint16 kRetrieveFailed = STATUS_MOVE_Failed_UnableToProcess;    // C000

// Store: A900 the data set does not match the SOP Class, 0110 processing
// failure, 0111 duplicate (storage.duplicates = reject), A700 out of
// resources, C000 cannot understand. Find and retrieve: A900, or C000 unable
// to process; a C-FIND over one of its limits (keys, matches, time) is A700
// (C.4.1.1.4, Refused: Out of resources); a retrieve that cannot hold its
// matches is A701; a transaction conflict (kAborted) is A700 to a store, C000
// to a find or retrieve. HTTP: 4xx for the caller's mistakes, 503 while out
// of resources or after a conflict, 5xx otherwise.
constexpr std::array<StatusRow, 10> kTable = {{
    {Code::kOk, STATUS_Success, STATUS_Success, STATUS_Success, 200},
    {Code::kInvalidArgument, STATUS_STORE_Error_DataSetDoesNotMatchSOPClass,
     STATUS_FIND_Error_DataSetDoesNotMatchSOPClass, STATUS_MOVE_Error_DataSetDoesNotMatchSOPClass,
     400},
    {Code::kNotFound, kProcessingFailure, kFindFailed, kRetrieveFailed, 404},
    {Code::kAlreadyExists, kDuplicateSopInstance, kFindFailed, kRetrieveFailed, 409},
    {Code::kIoError, STATUS_STORE_Refused_OutOfResources, kFindFailed, kRetrieveFailed, 500},
    {Code::kResourceExhausted, STATUS_STORE_Refused_OutOfResources,
     STATUS_FIND_Refused_OutOfResources, STATUS_MOVE_Refused_OutOfResourcesNumberOfMatches, 503},
    {Code::kUnsupported, kProcessingFailure, kFindFailed, kRetrieveFailed, 501},
    {Code::kCorruption, STATUS_STORE_Error_CannotUnderstand, kFindFailed, kRetrieveFailed, 500},
    {Code::kInternal, kProcessingFailure, kFindFailed, kRetrieveFailed, 500},
    // A transaction conflict the writer retried in vain: like resources
    // that are out for now, worth sending again.
    {Code::kAborted, STATUS_STORE_Refused_OutOfResources, kFindFailed, kRetrieveFailed, 503},
}};

// Each row sits at its code's index, so a lookup is an index.
constexpr bool RowsAreInCodeOrder() {
  for (size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<size_t>(kTable[i].code) != i) return false;
  }
  return static_cast<size_t>(Code::kAborted) + 1 == kTable.size();
}
static_assert(RowsAreInCodeOrder(), "one row per Status::Code, in its order");

const StatusRow& RowFor(const Status& status) {
  return kTable[static_cast<size_t>(status.code())];
}

}  // namespace

std::span<const StatusRow> StatusTable() { return kTable; }

Uint16 DimseStatusFor(DimseService service, const Status& status) {
  const StatusRow& row = RowFor(status);
  switch (service) {
    case DimseService::kStore: return row.store;
    case DimseService::kFind: return row.find;
    case DimseService::kRetrieve: return row.retrieve;
  }
  return row.store;  // not reached: every service is handled above
}

int HttpStatusFor(const Status& status) { return RowFor(status).http; }

}  // namespace pixeldex::server

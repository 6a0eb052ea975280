#pragma once
// The one translation from the catalog's Status to C-STORE response statuses
// (PS3.4 B.2.3, PS3.7 C):
//   kResourceExhausted, kIoError -> A700 Refused: Out of Resources
//   kInvalidArgument             -> A900 Error: Data Set does not match SOP Class
//   kCorruption                  -> C000 Error: Cannot understand
//   kAlreadyExists               -> 0111 Duplicate SOP Instance (duplicates = reject)
//   anything else                -> 0110 Processing failure

#include <dcmtk/dcmnet/dimse.h>

#include "catalog/common/status.h"

namespace pixeldex::server {

Uint16 StoreStatusFor(const Status& status);

}  // namespace pixeldex::server

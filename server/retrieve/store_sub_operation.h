#pragma once
// One C-STORE sub-operation of a retrieve (PS3.4 C.4.2.2, C.4.3.2): loads one
// stored instance (Pixel Data and other large values stay on disk until they
// are written), picks the presentation context (outgoing_syntax.h), converts
// if it must, sends the C-STORE-RQ and waits for the C-STORE-RSP. Every
// problem with the instance itself (missing or unreadable file, no usable
// context, a failure status from the peer) is a failed sub-operation with a
// reason; only a broken association is returned as a bad condition.
// Runs on the retrieve's thread; one sub-operation at a time per association.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "catalog/query/retrieve_request.h"
#include "server/retrieve/outgoing_syntax.h"

namespace pixeldex::server {

struct SubOperation {
  const query::RetrieveInstance* instance = nullptr;
  std::filesystem::path file;  // absolute path of the stored file (StorageLayout::FileOf)
  StoreSender sender = StoreSender::kRequestor;
  // PS3.7 9.3.1.1 C-STORE-RQ of a C-MOVE: the originator and its message.
  std::string move_originator_aet;  // empty for C-GET
  DIC_US move_originator_message_id = 0;
  int dimse_timeout_seconds = 60;
};

struct SubOperationResult {
  enum class Outcome { kCompleted, kWarning, kFailed };
  Outcome outcome = Outcome::kFailed;
  Uint16 store_status = 0;  // the peer's C-STORE status, when it answered
  std::string reason;       // for failures and warnings
  bool converted = false;   // sent in another syntax than stored
  uint64_t bytes_sent = 0;  // of the data set, as written to the network
  // C-GET: a C-CANCEL-RQ arrived while waiting for the C-STORE-RSP.
  bool cancel_received = false;
};

// Returns a bad condition only when the association failed; `result` is
// filled either way.
OFCondition RunSubOperation(T_ASC_Association* assoc, const SubOperation& op,
                            SubOperationResult* result);

}  // namespace pixeldex::server

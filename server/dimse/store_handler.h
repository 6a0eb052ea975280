#pragma once
// The C-STORE SCP (PS3.4 Annex B): receives one instance straight to a file in
// the incoming directory (bounded memory, bit-preserving: stored exactly as
// received), runs it through the ingest pipeline and sends exactly one
// C-STORE-RSP: 0000 only once the file and its rows are durable.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdint>
#include <optional>
#include <string>

#include "catalog/storage/file_store.h"
#include "server/association/server_context.h"

namespace pixeldex::server {

// Returns a network-level failure only (the association must then end);
// every other failure is reported to the peer in the response status.
OFCondition HandleStoreRequest(T_ASC_Association* assoc, const T_DIMSE_C_StoreRQ& request,
                               T_ASC_PresentationContextID pres_id, const ServerContext& context,
                               AssociationStats& stats);

// When the storage file system has less free space than `min_free_mb`
// (storage.min_free_mb; C-STOREs are then refused with A700): says so with
// the numbers, e.g. "free space 12 MB is below storage.min_free_mb 500", in
// at most 64 characters (it is the A700's Error Comment, PS3.7 C.4).
// Nothing when there is enough, the threshold is 0, or the space is unknown.
std::optional<std::string> FreeSpaceShortfall(const storage::FileStore& store,
                                              int64_t min_free_mb);

}  // namespace pixeldex::server

#pragma once
// Encodes a C-FIND response identifier (PS3.7 9.1.2.1, 9.3.2) straight from a
// query::FindMatch into the bytes DCMTK's DcmDataset::write would send, in
// Implicit or Explicit VR Little Endian (PS3.5 7.1.1-7.1.3, A.1, A.2), with
// no DcmDataset per match. A match it cannot encode exactly as DcmDataset
// would (a sequence, a binary VR other than US/SS/UL/SL, a value DCMTK would
// reinterpret, tags out of order) is refused, and the caller keeps the
// DcmDataset path (find_identifier.h) for it; so does every other transfer
// syntax (deflate, big endian). Stateless; safe from any thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <optional>
#include <string>

#include "catalog/query/query_types.h"

namespace pixeldex::server {

enum class IdentifierSyntax { kImplicitLittle, kExplicitLittle };

// The syntax to encode identifiers in on a presentation context of
// `transfer_syntax`, or nothing when they must go through DcmDataset.
std::optional<IdentifierSyntax> IdentifierSyntaxFor(E_TransferSyntax transfer_syntax);

// Appends the encoded identifier of `match` to `*out` and returns true, or
// returns false with `*out` unchanged when the match needs DcmDataset.
bool EncodeIdentifier(const query::FindMatch& match, IdentifierSyntax syntax, std::string* out);

}  // namespace pixeldex::server

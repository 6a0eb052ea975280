#pragma once
// SOP Class Extended Negotiation for the C-FIND models (PS3.4 C.5.1.1.1,
// C.5.2.1.1). Of the application information bytes pixeldex supports byte 2,
// combined date-time matching (C.2.2.2.5.1); relational queries, fuzzy
// semantic PN matching and timezone adjustment are answered "not supported".

#include <dcmtk/dcmnet/assoc.h>

namespace pixeldex::server {

// Answers the requested extended negotiation items of the FIND SOP classes in
// `params` and returns true when the requestor asked for, and so now has,
// combined date-time matching.
bool NegotiateQueryExtensions(T_ASC_Parameters* params);

}  // namespace pixeldex::server

#pragma once
// Turns the keys of a C-FIND identifier into a validated FindRequest, applying
// the hierarchical (baseline) rules of PS3.4 C.4.1.2 and C.6. Every rejection
// is Status::InvalidArgument with a message fit for Error Comment (0000,0902);
// the DCMTK bridge answers it with A900 (Identifier does not match SOP Class).
//
// Rules enforced:
//  - Query/Retrieve Level (0008,0052) present and valid for the model:
//    PATIENT/STUDY/SERIES/IMAGE for Patient Root, STUDY/SERIES/IMAGE for
//    Study Root (C.6.1.1.1, C.6.2.1.1).
//  - No key of a level below the query level (C.4.1.2.1).
//  - The unique key of each level above the query level, when given, holds a
//    single value: no list, no wildcard, no range (C.4.1.2.1 hierarchical
//    search). An absent or zero-length one is accepted and matches every
//    entity (leniency most SCUs rely on; documented in the README).
//  - Each value parses for its VR (constraint.h).
// Keys of levels above the query level other than unique keys are accepted
// and matched (a relational-style leniency).

#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query {

Result<FindRequest> MakeFindRequest(InformationModel model, std::vector<QueryKey> identifier,
                                    bool combined_datetime = false);

// Parses the text of (0008,0052) for a model; InvalidArgument if not valid.
Result<QueryLevel> ParseQueryLevel(InformationModel model, std::string_view text);

}  // namespace pixeldex::query

#pragma once
// Retrieve (C-GET / C-MOVE) identifiers inside the catalog: which instances a
// request names, from the index alone. The hierarchical rules of PS3.4
// C.4.2.2.1 (C-MOVE) and C.4.3.2.1 (C-GET), baseline behaviour:
//  - Query/Retrieve Level (0008,0052) valid for the model (as for C-FIND).
//  - The unique key of the retrieve level is present and holds one value or a
//    list of values (UID list, C.4.2.2.1); no wildcard, no universal value.
//  - Unique keys above the level hold a single value when present (an absent
//    one matches every entity, as in C-FIND).
//  - No key of a level below the retrieve level.
// Other (non-unique) keys are not used for matching: the standard gives them
// no meaning in a retrieve identifier, and many SCUs send what their C-FIND
// sent. Every rejection is InvalidArgument with a message fit for Error
// Comment; the DIMSE bridge answers it with A900.
// Stateless functions; ListRetrieveInstances reads through the caller's
// IndexReader (index_reader.h), SQLite or PostgreSQL, in the reader's SQL
// dialect with the keys' values bound as parameters (one thread at a time,
// as the reader).

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/index_reader.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query {

// One instance a retrieve will send: what a C-STORE sub-operation needs.
struct RetrieveInstance {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string transfer_syntax_uid;  // the stored file's syntax
  std::string path;                 // below the storage root
};

// Validates a retrieve identifier; the request's keys are its unique keys.
Result<FindRequest> MakeRetrieveRequest(InformationModel model, std::vector<QueryKey> identifier);

// Every instance below the entities `request` matches, in series and instance
// order. The whole list is returned at once: the retrieve needs its size for
// the Number of Remaining Sub-operations, and a few hundred bytes per
// instance stay small even for studies of many thousand instances.
Result<std::vector<RetrieveInstance>> ListRetrieveInstances(IndexReader& reader,
                                                            const FindRequest& request);

}  // namespace pixeldex::query

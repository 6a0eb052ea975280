#pragma once
// The DCMTK edge of C-FIND identifiers: a request identifier (DcmDataset)
// becomes the query module's QueryKeys, and a FindMatch becomes a response
// identifier. This is the one place where dcmdata types meet catalog/query.
// Stateless functions; safe from any thread on distinct datasets.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include <memory>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/query_types.h"

namespace pixeldex::server {

// Decodes the identifier to UTF-8 in place, honouring its Specific Character
// Set (0008,0005) as stored instances are (catalog/metadata/dataset_text.h),
// then lists its attributes as keys (multi-valued values joined by '\',
// padding removed, sequences item by item). A defined term this build does
// not know is Status::Unsupported (-> C000); undecodable bytes become U+FFFD.
Result<std::vector<query::QueryKey>> IdentifierToKeys(DcmDataset& identifier);

// The response identifier of one match, with the VRs of the match; it
// declares Specific Character Set "ISO_IR 192" (UTF-8), as the match does.
Result<std::unique_ptr<DcmDataset>> MatchToDataset(const query::FindMatch& match);

}  // namespace pixeldex::server

#pragma once
// The attributes the DICOMweb services write into their own answers (not
// found in the stored headers), one definition each (PS3.6 Table 6-1), and
// the one-value attribute they are written as.
//   - QIDO-RS (PS3.18 Tables 10.6.3-3 to -5): Instance Availability,
//     Retrieve URL
//   - the Store Instances Response (PS3.18 Annex I, Table I.2-1):
//     Referenced/Failed SOP Sequences and their items' attributes

#include <string>
#include <vector>

#include "catalog/query/query_types.h"

namespace pixeldex::server {

inline constexpr query::Tag kErrorComment{0x0000, 0x0902};
inline constexpr query::Tag kInstanceAvailability{0x0008, 0x0056};
inline constexpr query::Tag kReferencedSopClassUid{0x0008, 0x1150};
inline constexpr query::Tag kReferencedSopInstanceUid{0x0008, 0x1155};
inline constexpr query::Tag kRetrieveUrl{0x0008, 0x1190};
inline constexpr query::Tag kFailureReason{0x0008, 0x1197};
inline constexpr query::Tag kFailedSopSequence{0x0008, 0x1198};
inline constexpr query::Tag kReferencedSopSequence{0x0008, 0x1199};
inline constexpr query::Tag kOtherFailuresSequence{0x0008, 0x119A};

// `tag` with the one value `value`, or with none when it is empty (PS3.18
// F.2.5: an attribute without a value has no "Value").
inline query::ResponseAttribute SingleValued(query::Tag tag, const char* vr,
                                             const std::string& value) {
  return {tag, vr, value.empty() ? std::vector<std::string>{} : std::vector{value}, {}};
}

}  // namespace pixeldex::server

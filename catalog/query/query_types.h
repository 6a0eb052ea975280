#pragma once
// The vocabulary of C-FIND inside the catalog: tags, levels, information
// models, the keys of a request identifier and the attributes of a response.
// Plain value types with no DCMTK or SQLite in sight, so that the query module
// can be tested without sockets and a second index backend can speak them too.
//
// Text values are UTF-8 (the DCMTK bridge converts the identifier according to
// its Specific Character Set before building these). A multi-valued DICOM
// value keeps its backslash separators, exactly as in the identifier.

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace pixeldex::query {

struct Tag {
  uint16_t group = 0;
  uint16_t element = 0;
  auto operator<=>(const Tag&) const = default;
  // "GGGGEEEE", upper-case hex, as DICOM JSON (PS3.18 F.2.1.1) names attributes.
  std::string Hex() const;
  // "(gggg,eeee)" for messages.
  std::string ToString() const;
};

// PS3.4 C.6.1.1.1 / C.6.2.1.1: the values of Query/Retrieve Level (0008,0052).
enum class QueryLevel { kPatient = 0, kStudy = 1, kSeries = 2, kImage = 3 };
enum class InformationModel { kPatientRoot, kStudyRoot };

const char* QueryLevelName(QueryLevel level);  // "PATIENT", "STUDY", "SERIES", "IMAGE"
const char* InformationModelName(InformationModel model);

// One attribute of a request identifier. For SQ keys `value` is empty and
// `items` holds the keys of each item (PS3.4 C.2.2.2.6 allows zero or one).
struct QueryKey {
  Tag tag;
  std::string vr;     // two letters, e.g. "PN"; the dictionary VR for known tags
  std::string value;  // UTF-8, trailing padding already removed or not: both work
  std::vector<std::vector<QueryKey>> items;
};

// A validated C-FIND request (see MakeFindRequest in find_request.h).
struct FindRequest {
  InformationModel model = InformationModel::kStudyRoot;
  QueryLevel level = QueryLevel::kStudy;
  // Every key of the identifier except Query/Retrieve Level and Specific
  // Character Set, which the engine handles itself.
  std::vector<QueryKey> keys;
  // PS3.4 C.2.2.2.5.1: combined date-time range matching of DA/TM pairs, which
  // an SCU asks for through extended negotiation (PS3.4 C.5.1.1).
  bool combined_datetime = false;
};

// One attribute of a response identifier. Empty `values` is a zero-length
// value. SQ attributes carry `items` instead of values.
struct ResponseAttribute {
  Tag tag;
  std::string vr;
  std::vector<std::string> values;
  std::vector<std::vector<ResponseAttribute>> items;
};

// One match: the attributes of one pending C-FIND response, sorted by tag.
struct FindMatch {
  std::vector<ResponseAttribute> attributes;
  // The attribute with `tag`, or nullptr.
  const ResponseAttribute* Find(Tag tag) const;
};

// Well-known tags the engine treats specially.
inline constexpr Tag kSpecificCharacterSet{0x0008, 0x0005};
inline constexpr Tag kQueryRetrieveLevel{0x0008, 0x0052};
inline constexpr Tag kPatientId{0x0010, 0x0020};
inline constexpr Tag kStudyInstanceUid{0x0020, 0x000D};
inline constexpr Tag kSeriesInstanceUid{0x0020, 0x000E};
inline constexpr Tag kSopInstanceUid{0x0008, 0x0018};

}  // namespace pixeldex::query

#pragma once
// Content negotiation for DICOMweb (PS3.18 8.7): the Accept header
// (RFC 9110 12.5.1) parsed into media ranges with their parameters, and what
// those ranges accept of the JSON resources (QIDO-RS results, WADO-RS
// metadata) and of the parts of multipart/related resources (WADO-RS
// retrieve, frames, bulk data). Stateless.

#include <map>
#include <string>
#include <vector>

namespace pixeldex::server {

struct MediaRange {
  std::string type;                           // lower case, e.g. "multipart/related", "*/*"
  std::map<std::string, std::string> params;  // names lower case, values unquoted
  double quality = 1.0;
};

// The ranges in order of preference (quality, then the order written);
// ranges with q=0 ("not acceptable") are left out. An absent header is "*/*".
std::vector<MediaRange> ParseAccept(const std::string& accept);

// True when the Accept header admits `media_type` (exactly, or through
// "*/*" or "type/*"), or is absent.
bool AcceptsMediaType(const std::string& accept, const std::string& media_type);

// True when the header admits application/dicom+json (or application/json),
// or is absent.
bool AcceptsDicomJson(const std::string& accept);

// One acceptable representation of the parts of a multipart/related answer.
struct PartChoice {
  std::string media_type;       // e.g. "application/dicom", "image/jls"
  std::string transfer_syntax;  // a UID; "*": any (the stored one); "": not said
};

// What the header accepts for a multipart/related resource, in order of
// preference: "multipart/related; type=X[; transfer-syntax=T]" gives X (PS3.18
// 8.7.3.5); "multipart/related" without type, "multipart/*" and "*/*" give
// `default_part_type`. Other ranges give nothing.
std::vector<PartChoice> MultipartPartChoices(const std::string& accept,
                                             const std::string& default_part_type);

}  // namespace pixeldex::server

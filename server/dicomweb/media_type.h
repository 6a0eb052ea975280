#pragma once
// A Content-Type value (RFC 9110 8.3.1) split into its media type and its
// parameters:  type "/" subtype *( OWS ";" OWS name "=" ( token / quoted-string ) ).
// Type, subtype and parameter names are case-insensitive and come back in
// lower case; values keep their case, quoted strings unquoted (RFC 9110
// 5.6.4: a backslash escapes the next character). Used for the STOW-RS
// request's multipart/related header (RFC 2387: type, boundary). Stateless.

#include <map>
#include <string>

#include "catalog/common/result.h"

namespace pixeldex::server {

// PS3.18 8.7.3.1: the media type of a DICOM file (PS3.10), as a STOW-RS
// request's parts and multipart/related type parameter name it.
inline constexpr const char* kDicomMediaType = "application/dicom";

struct MediaType {
  std::string type;  // "multipart/related"
  std::map<std::string, std::string>
      parameters;  // {"boundary": "...", "type": "application/dicom"}

  // The parameter's value, or "" when absent.
  std::string Parameter(const std::string& lower_case_name) const;
};

// InvalidArgument, saying what is wrong, for a value that is not of the form
// above (no slash, a bad token, an unterminated quoted string, a parameter
// given twice).
Result<MediaType> ParseMediaType(const std::string& value);

}  // namespace pixeldex::server

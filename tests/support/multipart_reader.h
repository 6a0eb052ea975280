#pragma once
// Reads a multipart payload (RFC 2046 5.1) as a client would, for tests of
// the WADO-RS answers: the boundary from the Content-Type, then each part's
// header fields and content. Strict: a payload that does not end with the
// close delimiter is an error.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace pixeldex::testing {

struct MultipartPart {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string content;
};

// Throws std::runtime_error when `content_type` has no boundary or the
// payload is malformed.
std::vector<MultipartPart> ReadMultipart(const std::string& content_type,
                                         const std::string& payload);

}  // namespace pixeldex::testing

#pragma once
// Content negotiation (RFC 9110 12.5.1) for the resources DICOMweb answers
// with one representation, such as DICOM JSON (QIDO-RS results, WADO-RS
// metadata, the STOW-RS response; PS3.18 8.7.3). Quality values are not
// weighed: a media range names a type the client takes. Stateless.

#include <string>

namespace pixeldex::server {

// True when the Accept header admits `media_type` (exactly, or through
// "*/*" or "type/*"), or is absent.
bool AcceptsMediaType(const std::string& accept, const std::string& media_type);

// True when the Accept header admits application/dicom+json (or
// application/json), or is absent.
bool AcceptsDicomJson(const std::string& accept);

}  // namespace pixeldex::server

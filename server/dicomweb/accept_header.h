#pragma once
// Content negotiation for the DICOM JSON resources (QIDO-RS results, WADO-RS
// metadata; PS3.18 8.7.3): true when the Accept header (RFC 9110 12.5.1)
// admits application/dicom+json (or application/json, */*, application/*),
// or is absent. Stateless.

#include <string>

namespace pixeldex::server {

bool AcceptsDicomJson(const std::string& accept);

}  // namespace pixeldex::server

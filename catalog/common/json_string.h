#pragma once
// A JSON string literal (RFC 8259 7): quotes, backslash and control
// characters escaped (\b \f \n \r \t, the others as \u00xx in lower-case
// hex, as DCMTK's writeJson escapes them, so the stored DICOM JSON headers
// keep their bytes); other bytes (UTF-8) as they are. Shared by the JSON log
// lines and the DICOM JSON writers. Stateless.

#include <string>
#include <string_view>

namespace pixeldex {

// The characters of the literal, without its quotes.
void AppendJsonEscaped(std::string& out, std::string_view text);

// The literal, in quotes.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace pixeldex

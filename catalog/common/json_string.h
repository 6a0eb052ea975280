#pragma once
// A JSON string literal (RFC 8259 7): quotes, backslash and control
// characters escaped; other bytes (UTF-8) as they are. Shared by the JSON
// log lines and the DICOM JSON writer. Stateless.

#include <string>
#include <string_view>

namespace pixeldex {

void AppendJsonString(std::string& out, std::string_view text);

}  // namespace pixeldex

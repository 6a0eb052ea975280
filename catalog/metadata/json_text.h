#pragma once
// The JSON text of DICOM JSON values (PS3.18 F.2) beyond plain strings
// (catalog/common/json_string.h), appended to a caller's string, byte for
// byte as DCMTK 3.6.7's DcmJsonFormat writes it (the stored
// headers were written by DCMTK before; catalog/metadata/dicom_json.h keeps
// them identical). Pure functions; safe from any thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pixeldex::metadata {

// A tag as DICOM JSON names it (PS3.18 F.2.2, also AT values, F.2.3):
// "GGGGEEEE", eight upper-case hex digits.
std::array<char, 8> TagKeyHex(std::uint16_t group, std::uint16_t element);

// An empty value is null (PS3.18 F.2.5), any other a JSON string
// (catalog/common/json_string.h).
void AppendJsonStringOrNull(std::string& out, std::string_view value);

// Base64 (RFC 4648 section 4, padded, no line breaks): the text of
// "InlineBinary" (PS3.18 F.2.7).
void AppendBase64(std::string& out, const unsigned char* data, std::size_t size);

// A number as DCMTK writes DS, FL, FD, US, SS, UL and SL values (PS3.18
// F.2.3): every '+' dropped, leading zeros of the integer part dropped ("0"
// kept before a '.', a value of zeros only is "0"), a '-' kept; empty is null.
// DCMTK checks nothing else: "0e5" becomes "e5", an infinite FD "inf".
void AppendDecimalNumber(std::string& out, std::string_view text);

// The same for IS, SV and UV values, without the rule for '.'.
void AppendIntegerNumber(std::string& out, std::string_view text);

// Whether a (trimmed) DS value is one DCMTK writes as a number: at most 16
// bytes, [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?
// (PS3.5 6.2; DCMTK's VR checker, dcmdata/libsrc/vrscanl.l). Empty counts.
bool IsDecimalStringValue(std::string_view value);

// Whether a (trimmed) IS value is one DCMTK writes as a number: at most 12
// bytes, an optional sign and decimal digits in -2^31..2^31-1 (PS3.5 6.2).
bool IsIntegerStringValue(std::string_view value);

}  // namespace pixeldex::metadata

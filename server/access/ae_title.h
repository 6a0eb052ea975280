#pragma once
// SignificantAeTitle: the value of an AE title field as access control
// compares it. PS3.5 6.2 (AE): at most 16 characters of the default
// repertoire, no control characters and no backslash; leading and trailing
// spaces are not significant and a value of spaces only shall not be used.
// PS3.8 9.3.2 puts the calling and called titles in 16-byte fields; trailing
// NUL bytes there are taken as padding (some senders pad with them), a NUL
// followed by anything else is not ("GOOD\0EVIL" is not GOOD).
// Pure functions; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace pixeldex::server {

constexpr size_t kMaxAeTitleLength = 16;

// The title without its non-significant spaces (and padding NULs), or nullopt
// when `field` is not a valid AE title.
std::optional<std::string> SignificantAeTitle(std::string_view field);

}  // namespace pixeldex::server

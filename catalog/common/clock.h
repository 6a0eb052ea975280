#pragma once
// Wall-clock timestamps in the one format the index stores: ISO 8601 UTC with
// milliseconds, e.g. "2026-11-25T10:00:00.123Z" (sorts as text).

#include <ctime>
#include <string>

namespace pixeldex {

std::string NowIso8601();
std::string ToIso8601(const timespec& ts);

}  // namespace pixeldex

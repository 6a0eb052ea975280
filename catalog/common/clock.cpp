#include "catalog/common/clock.h"

#include <fmt/format.h>

namespace pixeldex {

std::string ToIso8601(const timespec& ts) {
  std::tm tm{};
  gmtime_r(&ts.tv_sec, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

std::string NowIso8601() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ToIso8601(ts);
}

}  // namespace pixeldex

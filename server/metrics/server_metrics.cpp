#include "server/metrics/server_metrics.h"

#include <fmt/format.h>

namespace pixeldex::server::metrics {

std::string StatusLabel(uint16_t status) { return fmt::format("{:04X}", status); }

ServerMetrics::ServerMetrics() {
  stores.Increment(StatusLabel(0x0000), 0);
  finds.Increment(StatusLabel(0x0000), 0);
}

}  // namespace pixeldex::server::metrics

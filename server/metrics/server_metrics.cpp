#include "server/metrics/server_metrics.h"

#include <fmt/format.h>

namespace pixeldex::server::metrics {

std::string StatusLabel(uint16_t status) { return fmt::format("{:04X}", status); }

}  // namespace pixeldex::server::metrics

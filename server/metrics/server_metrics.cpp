#include "server/metrics/server_metrics.h"

#include <fmt/format.h>

namespace pixeldex::server::metrics {

std::string StatusLabel(uint16_t status) { return fmt::format("{:04X}", status); }

ServerMetrics::ServerMetrics() {
  stores.Increment(StatusLabel(0x0000), 0);
  finds.Increment(StatusLabel(0x0000), 0);
  gets.Increment(StatusLabel(0x0000), 0);
  moves.Increment(StatusLabel(0x0000), 0);
  for (const char* result : {kSubOperationCompleted, kSubOperationWarning, kSubOperationFailed}) {
    retrieve_suboperations.Increment(result, 0);
  }
}

}  // namespace pixeldex::server::metrics

#include "tests/support/metrics_scrape.h"

#include <chrono>
#include <sstream>
#include <thread>

#include "tests/support/http_client.h"

namespace pixeldex::testing {

std::map<std::string, double> MetricSamples(const std::string& page) {
  std::map<std::string, double> samples;
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

std::map<std::string, double> SettledMetrics(int http_port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::map<std::string, double> samples;
  do {
    samples = MetricSamples(HttpRequest(http_port, "GET", "/metrics").body);
    if (samples["pixeldex_associations_active"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll, bounded above
  } while (std::chrono::steady_clock::now() < deadline);
  return samples;
}

}  // namespace pixeldex::testing

#pragma once
// Reading pixeldex's /metrics page in tests: its sample lines as a map, and
// the page once the server has finished every association.

#include <map>
#include <string>

namespace pixeldex::testing {

// "name{labels}" -> value, for every sample line of a Prometheus text page.
std::map<std::string, double> MetricSamples(const std::string& page);

// The samples of /metrics on `http_port` once pixeldex_associations_active
// is 0 (it drops just after a client has gone, and a retrieve is counted
// before its association ends), polled for at most 10 s; the last page read
// when that deadline passes.
std::map<std::string, double> SettledMetrics(int http_port);

}  // namespace pixeldex::testing

#include "server/metrics/metrics_registry.h"

#include <fmt/format.h>

namespace pixeldex::server::metrics {

template <typename T>
T& MetricsRegistry::Add(std::string name, std::string help, std::unique_ptr<T> metric) {
  T& ref = *metric;
  std::lock_guard lock(mutex_);
  entries_.push_back({std::move(name), std::move(help), std::move(metric)});
  return ref;
}

Counter& MetricsRegistry::AddCounter(std::string name, std::string help) {
  return Add(std::move(name), std::move(help), std::make_unique<Counter>());
}

LabeledCounter& MetricsRegistry::AddLabeledCounter(std::string name, std::string help,
                                                   std::string label) {
  return Add(std::move(name), std::move(help), std::make_unique<LabeledCounter>(std::move(label)));
}

LabeledCounter& MetricsRegistry::AddLabeledCounter(std::string name, std::string help,
                                                   std::vector<std::string> labels) {
  return Add(std::move(name), std::move(help), std::make_unique<LabeledCounter>(std::move(labels)));
}

LabeledHistogram& MetricsRegistry::AddLabeledHistogram(std::string name, std::string help,
                                                       std::string label,
                                                       std::vector<double> upper_bounds) {
  return Add(std::move(name), std::move(help),
             std::make_unique<LabeledHistogram>(std::move(label), std::move(upper_bounds)));
}

Gauge& MetricsRegistry::AddGauge(std::string name, std::string help) {
  return Add(std::move(name), std::move(help), std::make_unique<Gauge>());
}

Histogram& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::vector<double> upper_bounds) {
  return Add(std::move(name), std::move(help),
             std::make_unique<Histogram>(std::move(upper_bounds)));
}

void MetricsRegistry::AddComputedGauge(std::string name, std::string help,
                                       std::function<bool(double*)> read) {
  Add(std::move(name), std::move(help), std::make_unique<ComputedGauge>(std::move(read)));
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const Entry& e : entries_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", e.name, e.help, e.name, e.metric->type());
    e.metric->Render(e.name, out);
  }
  return out;
}

}  // namespace pixeldex::server::metrics

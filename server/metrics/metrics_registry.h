#pragma once
// MetricsRegistry: owns named metrics and renders them all in the Prometheus
// text exposition format (version 0.0.4), in registration order. The Add*
// functions return a reference that stays valid for the registry's lifetime,
// so a metric is declared once (see ServerMetrics) and then updated lock-free
// from any thread. Adding and rendering are thread-safe.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/metrics/metric_types.h"

namespace pixeldex::server::metrics {

// The Content-Type of RenderPrometheus()'s output.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class MetricsRegistry {
 public:
  // `name` must follow Prometheus naming ([a-zA-Z_:][a-zA-Z0-9_:]*); `help`
  // is one line.
  Counter& AddCounter(std::string name, std::string help);
  LabeledCounter& AddLabeledCounter(std::string name, std::string help, std::string label);
  LabeledCounter& AddLabeledCounter(std::string name, std::string help,
                                    std::vector<std::string> labels);
  LabeledHistogram& AddLabeledHistogram(std::string name, std::string help, std::string label,
                                        std::vector<double> upper_bounds);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds);
  // A gauge whose value is read at each rendering; `read` returns false when
  // there is no value (the sample is then left out).
  void AddComputedGauge(std::string name, std::string help, std::function<bool(double*)> read);

  std::string RenderPrometheus() const;

 private:
  template <typename T>
  T& Add(std::string name, std::string help, std::unique_ptr<T> metric);

  struct Entry {
    std::string name;
    std::string help;
    std::unique_ptr<Metric> metric;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace pixeldex::server::metrics

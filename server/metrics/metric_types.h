#pragma once
// The metric kinds of the Prometheus data model, thread-safe and cheap enough
// to update on every DIMSE operation: Counter and Gauge are one atomic each,
// LabeledCounter keeps one count per label value (e.g. per DIMSE status), and
// Histogram counts observations into fixed buckets. Each renders its sample
// lines in the Prometheus text exposition format (version 0.0.4); the
// MetricsRegistry adds the HELP and TYPE lines.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pixeldex::server::metrics {

// Something the registry can render under a metric name.
class Metric {
 public:
  virtual ~Metric() = default;
  // "counter", "gauge" or "histogram".
  virtual const char* type() const = 0;
  // Appends the sample lines for `name` to `out`.
  virtual void Render(const std::string& name, std::string& out) const = 0;
};

// A count that only goes up.
class Counter : public Metric {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  const char* type() const override { return "counter"; }
  void Render(const std::string& name, std::string& out) const override;

 private:
  std::atomic<uint64_t> value_{0};
};

// Counters that share a name and differ in the values of their labels, e.g.
// pixeldex_cstore_responses_total{status="A700"} (one label) or
// pixeldex_dicomweb_requests_total{kind="stow",status="2xx"} (two). Label
// values are created on first use.
class LabeledCounter : public Metric {
 public:
  explicit LabeledCounter(std::string label) : labels_({std::move(label)}) {}
  explicit LabeledCounter(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  void Increment(std::string_view label_value, uint64_t by = 1);
  // One value per label, in the order of the labels.
  void Increment(std::initializer_list<std::string_view> label_values, uint64_t by = 1);
  uint64_t value(std::string_view label_value) const;
  uint64_t value(std::initializer_list<std::string_view> label_values) const;
  const char* type() const override { return "counter"; }
  void Render(const std::string& name, std::string& out) const override;

 private:
  const std::vector<std::string> labels_;
  mutable std::mutex mutex_;
  // Keyed by the label values joined with NUL.
  std::map<std::string, uint64_t, std::less<>> values_;
};

// A value that goes up and down (e.g. associations in progress).
class Gauge : public Metric {
 public:
  void Add(int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }
  const char* type() const override { return "gauge"; }
  void Render(const std::string& name, std::string& out) const override;

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into fixed buckets with the given upper bounds
// (ascending; +Inf is implicit), with their sum and count.
class Histogram : public Metric {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  uint64_t count() const;
  const char* type() const override { return "histogram"; }
  void Render(const std::string& name, std::string& out) const override;
  // The same samples with further labels, e.g. `kind="qido"`.
  void Render(const std::string& name, std::string_view labels, std::string& out) const;

 private:
  const std::vector<double> upper_bounds_;
  std::vector<std::atomic<uint64_t>> buckets_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0.0};
};

// Histograms that share a name and buckets and differ in the value of one
// label, e.g. pixeldex_dicomweb_request_duration_seconds{kind="qido"}.
// Label values are created on first use.
class LabeledHistogram : public Metric {
 public:
  LabeledHistogram(std::string label, std::vector<double> upper_bounds)
      : label_(std::move(label)), upper_bounds_(std::move(upper_bounds)) {}
  void Observe(std::string_view label_value, double value);
  uint64_t count(std::string_view label_value) const;
  const char* type() const override { return "histogram"; }
  void Render(const std::string& name, std::string& out) const override;

 private:
  const std::string label_;
  const std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms_;
};

// A gauge read when rendered (e.g. free disk space); a read that fails
// (returns false) omits the sample.
class ComputedGauge : public Metric {
 public:
  explicit ComputedGauge(std::function<bool(double*)> read) : read_(std::move(read)) {}
  const char* type() const override { return "gauge"; }
  void Render(const std::string& name, std::string& out) const override;

 private:
  std::function<bool(double*)> read_;
};

}  // namespace pixeldex::server::metrics

#include "server/metrics/metric_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace pixeldex::server::metrics {
namespace {

// Prometheus text format: label values escape backslash, quote and newline.
std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string FormatBound(double bound) {
  return bound == std::numeric_limits<double>::infinity() ? "+Inf" : fmt::format("{}", bound);
}

std::vector<double> Sorted(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// The key of one combination of label values: the values joined with NUL.
std::string JoinedKey(std::initializer_list<std::string_view> label_values) {
  std::string key;
  bool first = true;
  for (std::string_view value : label_values) {
    if (!first) key += '\0';
    first = false;
    key += value;
  }
  return key;
}

}  // namespace

void Counter::Render(const std::string& name, std::string& out) const {
  out += fmt::format("{} {}\n", name, value());
}

void LabeledCounter::Increment(std::string_view label_value, uint64_t by) {
  std::lock_guard lock(mutex_);
  auto it = values_.find(label_value);
  if (it == values_.end()) it = values_.emplace(std::string(label_value), 0).first;
  it->second += by;
}

void LabeledCounter::Increment(std::initializer_list<std::string_view> label_values, uint64_t by) {
  Increment(JoinedKey(label_values), by);
}

uint64_t LabeledCounter::value(std::string_view label_value) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find(label_value);
  return it == values_.end() ? 0 : it->second;
}

uint64_t LabeledCounter::value(std::initializer_list<std::string_view> label_values) const {
  return value(JoinedKey(label_values));
}

void LabeledCounter::Render(const std::string& name, std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : values_) {
    std::string labels;
    size_t start = 0;
    for (size_t i = 0; i < labels_.size(); ++i) {
      const size_t end = std::min(key.find('\0', start), key.size());
      labels += fmt::format("{}{}=\"{}\"", i > 0 ? "," : "", labels_[i],
                            EscapeLabelValue(std::string_view(key).substr(start, end - start)));
      start = std::min(end + 1, key.size());
    }
    out += fmt::format("{}{{{}}} {}\n", name, labels, count);
  }
}

void Gauge::Render(const std::string& name, std::string& out) const {
  out += fmt::format("{} {}\n", name, value());
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(Sorted(std::move(upper_bounds))), buckets_(upper_bounds_.size() + 1) {}

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (const auto& bucket : buckets_) total += bucket.load(std::memory_order_relaxed);
  return total;
}

void Histogram::Observe(double value) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, std::string& out) const { Render(name, "", out); }

void Histogram::Render(const std::string& name, std::string_view labels, std::string& out) const {
  const std::string before_le = labels.empty() ? "" : std::string(labels) + ",";
  const std::string braced = labels.empty() ? "" : "{" + std::string(labels) + "}";
  // Buckets are cumulative in the exposition format (le = "less or equal").
  uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const double bound =
        i < upper_bounds_.size() ? upper_bounds_[i] : std::numeric_limits<double>::infinity();
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, before_le, FormatBound(bound),
                       cumulative);
  }
  out += fmt::format("{}_sum{} {}\n", name, braced, sum_.load(std::memory_order_relaxed));
  out += fmt::format("{}_count{} {}\n", name, braced, cumulative);
}

void LabeledHistogram::Observe(std::string_view label_value, double value) {
  std::lock_guard lock(mutex_);
  auto it = histograms_.find(label_value);
  if (it == histograms_.end()) {
    it = histograms_.emplace(std::string(label_value), std::make_unique<Histogram>(upper_bounds_))
             .first;
  }
  it->second->Observe(value);
}

uint64_t LabeledHistogram::count(std::string_view label_value) const {
  std::lock_guard lock(mutex_);
  auto it = histograms_.find(label_value);
  return it == histograms_.end() ? 0 : it->second->count();
}

void LabeledHistogram::Render(const std::string& name, std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [label_value, histogram] : histograms_) {
    histogram->Render(name, fmt::format("{}=\"{}\"", label_, EscapeLabelValue(label_value)), out);
  }
}

void ComputedGauge::Render(const std::string& name, std::string& out) const {
  double value = 0;
  if (read_(&value)) out += fmt::format("{} {}\n", name, value);
}

}  // namespace pixeldex::server::metrics

// The metrics registry: counting from many threads, histogram buckets, and
// the Prometheus text rendering.

#include "server/metrics/metrics_registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "server/metrics/server_metrics.h"

namespace pixeldex::server::metrics {
namespace {

TEST(MetricsRegistryTest, RendersHelpTypeAndSamplesInRegistrationOrder) {
  MetricsRegistry registry;
  Counter& stored = registry.AddCounter("pixeldex_x_total", "Things done.");
  Gauge& active = registry.AddGauge("pixeldex_active", "Things going on.");
  stored.Increment(3);
  active.Add(2);
  active.Add(-1);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pixeldex_x_total Things done.\n"
            "# TYPE pixeldex_x_total counter\n"
            "pixeldex_x_total 3\n"
            "# HELP pixeldex_active Things going on.\n"
            "# TYPE pixeldex_active gauge\n"
            "pixeldex_active 1\n");
}

TEST(MetricsRegistryTest, LabeledCounterKeepsOneSamplePerLabelValueEscaped) {
  MetricsRegistry registry;
  LabeledCounter& by_status = registry.AddLabeledCounter("pixeldex_r_total", "R.", "status");
  by_status.Increment(StatusLabel(0xA700));
  by_status.Increment(StatusLabel(0x0000), 2);
  by_status.Increment("a\"b\\c");
  EXPECT_EQ(by_status.value("0000"), 2u);
  EXPECT_EQ(by_status.value("FFFF"), 0u);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pixeldex_r_total R.\n"
            "# TYPE pixeldex_r_total counter\n"
            "pixeldex_r_total{status=\"0000\"} 2\n"
            "pixeldex_r_total{status=\"A700\"} 1\n"
            "pixeldex_r_total{status=\"a\\\"b\\\\c\"} 1\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeAndBoundsInclusive) {
  MetricsRegistry registry;
  Histogram& h = registry.AddHistogram("pixeldex_d_seconds", "D.", {1, 0.5});  // sorted on use
  for (double v : {0.1, 0.5, 0.7, 1.0, 3.0}) h.Observe(v);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pixeldex_d_seconds D.\n"
            "# TYPE pixeldex_d_seconds histogram\n"
            "pixeldex_d_seconds_bucket{le=\"0.5\"} 2\n"
            "pixeldex_d_seconds_bucket{le=\"1\"} 4\n"
            "pixeldex_d_seconds_bucket{le=\"+Inf\"} 5\n"
            "pixeldex_d_seconds_sum 5.3\n"
            "pixeldex_d_seconds_count 5\n");
}

TEST(MetricsRegistryTest, ACounterWithTwoLabelsNamesBothInEachSample) {
  MetricsRegistry registry;
  LabeledCounter& requests = registry.AddLabeledCounter(
      "pixeldex_q_total", "Q.", std::vector<std::string>{"kind", "status"});
  requests.Increment({"stow", "2xx"});
  requests.Increment({"qido", "4xx"}, 2);
  requests.Increment({"stow", "2xx"});
  EXPECT_EQ(requests.value({"stow", "2xx"}), 2u);
  EXPECT_EQ(requests.value({"stow", "4xx"}), 0u);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pixeldex_q_total Q.\n"
            "# TYPE pixeldex_q_total counter\n"
            "pixeldex_q_total{kind=\"qido\",status=\"4xx\"} 2\n"
            "pixeldex_q_total{kind=\"stow\",status=\"2xx\"} 2\n");
}

TEST(MetricsRegistryTest, ALabeledHistogramKeepsOneHistogramPerLabelValue) {
  MetricsRegistry registry;
  LabeledHistogram& h = registry.AddLabeledHistogram("pixeldex_l_seconds", "L.", "kind", {0.5});
  h.Observe("qido", 0.25);
  h.Observe("stow", 2);
  h.Observe("qido", 0.75);
  EXPECT_EQ(h.count("qido"), 2u);
  EXPECT_EQ(h.count("wado"), 0u);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pixeldex_l_seconds L.\n"
            "# TYPE pixeldex_l_seconds histogram\n"
            "pixeldex_l_seconds_bucket{kind=\"qido\",le=\"0.5\"} 1\n"
            "pixeldex_l_seconds_bucket{kind=\"qido\",le=\"+Inf\"} 2\n"
            "pixeldex_l_seconds_sum{kind=\"qido\"} 1\n"
            "pixeldex_l_seconds_count{kind=\"qido\"} 2\n"
            "pixeldex_l_seconds_bucket{kind=\"stow\",le=\"0.5\"} 0\n"
            "pixeldex_l_seconds_bucket{kind=\"stow\",le=\"+Inf\"} 1\n"
            "pixeldex_l_seconds_sum{kind=\"stow\"} 2\n"
            "pixeldex_l_seconds_count{kind=\"stow\"} 1\n");
}

TEST(MetricsRegistryTest, ComputedGaugeIsReadAtRenderingAndOmittedWithoutValue) {
  MetricsRegistry registry;
  double level = 7;
  registry.AddComputedGauge("pixeldex_level", "L.", [&](double* v) {
    *v = level;
    return level >= 0;
  });
  EXPECT_NE(registry.RenderPrometheus().find("pixeldex_level 7\n"), std::string::npos);
  level = 42;
  EXPECT_NE(registry.RenderPrometheus().find("pixeldex_level 42\n"), std::string::npos);
  level = -1;
  EXPECT_EQ(registry.RenderPrometheus(), "# HELP pixeldex_level L.\n# TYPE pixeldex_level gauge\n");
}

TEST(MetricsRegistryTest, UpdatesFromManyThreadsAreNotLost) {
  ServerMetrics m;
  constexpr int kThreads = 8, kEach = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        m.instances_stored.Increment();
        m.stores.Increment(StatusLabel(i % 2 ? 0x0000 : 0xA700));
        m.ingest_seconds.Observe(0.001);
        m.associations_active.Add(1);
        m.associations_active.Add(-1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.instances_stored.value(), uint64_t{kThreads} * kEach);
  EXPECT_EQ(m.stores.value("0000") + m.stores.value("A700"), uint64_t{kThreads} * kEach);
  EXPECT_EQ(m.ingest_seconds.count(), uint64_t{kThreads} * kEach);
  EXPECT_EQ(m.associations_active.value(), 0);
}

TEST(MetricsRegistryTest, EveryServerMetricIsNamedPixeldexAndSuccessStartsAtZero) {
  ServerMetrics m;
  const std::string page = m.registry.RenderPrometheus();
  EXPECT_NE(page.find("pixeldex_cstore_responses_total{status=\"0000\"} 0\n"), std::string::npos);
  EXPECT_NE(page.find("pixeldex_cfind_responses_total{status=\"0000\"} 0\n"), std::string::npos);
  EXPECT_NE(page.find("pixeldex_cget_responses_total{status=\"0000\"} 0\n"), std::string::npos);
  EXPECT_NE(page.find("pixeldex_cmove_responses_total{status=\"0000\"} 0\n"), std::string::npos);
  for (const char* result : {"completed", "warning", "failed"}) {
    EXPECT_NE(page.find(std::string("pixeldex_retrieve_suboperations_total{result=\"") + result +
                        "\"} 0\n"),
              std::string::npos)
        << result;
  }
  size_t types = 0;
  for (size_t at = page.find("# TYPE "); at != std::string::npos;
       at = page.find("# TYPE ", at + 1)) {
    EXPECT_EQ(page.compare(at + 7, 9, "pixeldex_"), 0) << page.substr(at, 60);
    ++types;
  }
  EXPECT_GE(types, 10u);
}

}  // namespace
}  // namespace pixeldex::server::metrics

#pragma once
// ServerMetrics: every metric `pixeldex serve` exposes on /metrics, declared
// in one place. A new metric is one member line here plus one update where
// the event happens, e.g.
//   Counter& moves = registry.AddCounter("pixeldex_cmove_requests_total", "...");
//   context.metrics.moves.Increment();
// Members are updated from any thread; the struct lives as long as the server.

#include <cstdint>
#include <string>

#include "server/metrics/metrics_registry.h"

namespace pixeldex::server::metrics {

// A DIMSE status as a label value: four upper-case hex digits ("0000", "A700").
std::string StatusLabel(uint16_t status);

// The result label values of pixeldex_retrieve_suboperations_total: the
// three sub-operation counts of a C-GET/C-MOVE response (PS3.4 C.4.2.1.5).
inline constexpr const char* kSubOperationCompleted = "completed";
inline constexpr const char* kSubOperationWarning = "warning";
inline constexpr const char* kSubOperationFailed = "failed";

// Upper bounds, in seconds, of the ingest latency histogram's buckets.
inline const std::vector<double> kIngestSecondsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                          0.5,   1,    2.5,   5,    10};

// Upper bounds, in seconds, of the DICOMweb request latency histogram's
// buckets (a QIDO search in milliseconds, a STOW of a study in seconds).
inline const std::vector<double> kHttpSecondsBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1,    2.5,   5,
                                                        10,    30};

struct ServerMetrics {
  // Success counts start at 0, so that rates exist before the first request.
  ServerMetrics();

  MetricsRegistry registry;

  Gauge& associations_active =
      registry.AddGauge("pixeldex_associations_active", "DICOM associations being served now.");
  Counter& associations_total = registry.AddCounter("pixeldex_associations_total",
                                                    "DICOM associations accepted since start.");
  Counter& associations_rejected = registry.AddCounter(
      "pixeldex_associations_rejected_total",
      "DICOM associations rejected (access control, called AE title, no usable context, limit).");
  Counter& echoes =
      registry.AddCounter("pixeldex_cecho_requests_total", "C-ECHO requests answered.");
  LabeledCounter& stores = registry.AddLabeledCounter(
      "pixeldex_cstore_responses_total", "C-STORE responses sent, by DIMSE status.", "status");
  Counter& instances_stored = registry.AddCounter(
      "pixeldex_instances_stored_total", "Instances stored and indexed (C-STORE status 0000).");
  Counter& bytes_received = registry.AddCounter("pixeldex_received_bytes_total",
                                                "Bytes of instances stored (file sizes).");
  Histogram& ingest_seconds = registry.AddHistogram(
      "pixeldex_ingest_duration_seconds",
      "Time from a received data set to its durable file and index rows.", kIngestSecondsBuckets);
  Counter& thumbnail_failures =
      registry.AddCounter("pixeldex_thumbnail_failures_total",
                          "Stored instances whose thumbnail could not be rendered.");
  LabeledCounter& finds =
      registry.AddLabeledCounter("pixeldex_cfind_responses_total",
                                 "C-FIND requests answered, by final DIMSE status.", "status");
  LabeledCounter& gets = registry.AddLabeledCounter(
      "pixeldex_cget_responses_total", "C-GET requests answered, by final DIMSE status.", "status");
  LabeledCounter& moves =
      registry.AddLabeledCounter("pixeldex_cmove_responses_total",
                                 "C-MOVE requests answered, by final DIMSE status.", "status");
  // Label values: kSubOperationCompleted, kSubOperationWarning, kSubOperationFailed.
  LabeledCounter& retrieve_suboperations = registry.AddLabeledCounter(
      "pixeldex_retrieve_suboperations_total",
      "C-STORE sub-operations of C-GETs and C-MOVEs, by result (as counted in their responses).",
      "result");
  // Label values: the resource kind (dicomweb_metrics.h) and the status
  // class ("2xx", "4xx", ...).
  LabeledCounter& dicomweb_requests = registry.AddLabeledCounter(
      "pixeldex_dicomweb_requests_total",
      "DICOMweb requests answered, by resource kind and HTTP status class.",
      std::vector<std::string>{"kind", "status"});
  LabeledHistogram& dicomweb_seconds = registry.AddLabeledHistogram(
      "pixeldex_dicomweb_request_duration_seconds",
      "Time from a DICOMweb request's arrival to its answer being ready, by resource kind.",
      "kind", kHttpSecondsBuckets);
  Counter& bytes_sent = registry.AddCounter(
      "pixeldex_retrieve_sent_bytes_total",
      "Bytes of data sets sent by C-STORE sub-operations, as encoded on the wire.");
};

}  // namespace pixeldex::server::metrics

#pragma once
// The common C-FIND shapes the benchmark measures, as plain keys so that the
// in-process tool (query::RunFind) and the network client (DcmSCU) send the
// same identifiers. Each shape has many samples (different patients, dates,
// studies) drawn deterministically from a SyntheticArchive; every sample
// matches at least one entity. Return keys are those a typical viewer's
// study browser asks for.

#include <cstdint>
#include <string>
#include <vector>

#include "bench/find_bench/synthetic_archive.h"

namespace pixeldex::bench {

struct ShapeKey {
  uint16_t group = 0;
  uint16_t element = 0;
  const char* vr = "";
  std::string value;  // empty: a return key (universal matching)
};

struct ShapeQuery {
  bool patient_root = false;  // else Study Root
  std::vector<ShapeKey> keys;  // including Query/Retrieve Level (0008,0052)
};

enum class Shape {
  kStudyByPatientId,
  kStudyByPatientNamePrefix,
  kStudyByDay,
  kStudyByMonth,
  kStudyByAccession,
  kSeriesOfStudy,
  kImagesOfSeries,
};

const std::vector<Shape>& AllShapes();
const char* ShapeName(Shape shape);  // short, e.g. "study/PatientID"
// Parses a comma-separated list of shape names ("all" or empty: every shape).
std::vector<Shape> ParseShapes(const std::string& list);

// Sample `k` (any k >= 0) of a shape over `archive`.
ShapeQuery MakeQuery(const SyntheticArchive& archive, Shape shape, int64_t k);

// Text of a query for reports: "PatientName=SMITH^J*" style, match keys only.
std::string DescribeMatchKeys(const ShapeQuery& query);

// Median, p90, p99 and max of a sample of latencies in microseconds.
struct LatencyStats {
  double median_us = 0, p90_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
};
LatencyStats Summarize(std::vector<double> micros);

// CPU milliseconds (user + system) this process has used so far.
double ProcessCpuMs();

// A network client's report (find_client, qido_client): the column names,
// and one shape's row from its latencies, matches in all, empty answers and
// the client's own CPU per query.
void PrintClientColumns();
void PrintClientRow(Shape shape, std::vector<double> micros, size_t total_matches,
                    size_t empty_answers, double client_cpu_ms);

}  // namespace pixeldex::bench

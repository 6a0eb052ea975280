#include "bench/find_bench/find_shapes.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace pixeldex::bench {
namespace {

ShapeKey Level(const char* level) { return {0x0008, 0x0052, "CS", level}; }

// Return keys of a study browser (PS3.4 C.6.2.1.2 Study Root, study level).
void AddStudyReturnKeys(std::vector<ShapeKey>& keys) {
  const ShapeKey returns[] = {
      {0x0008, 0x0020, "DA", ""}, {0x0008, 0x0030, "TM", ""}, {0x0008, 0x0050, "SH", ""},
      {0x0008, 0x0061, "CS", ""}, {0x0008, 0x0090, "PN", ""}, {0x0008, 0x1030, "LO", ""},
      {0x0010, 0x0010, "PN", ""}, {0x0010, 0x0020, "LO", ""}, {0x0010, 0x0030, "DA", ""},
      {0x0010, 0x0040, "CS", ""}, {0x0020, 0x000D, "UI", ""}, {0x0020, 0x0010, "SH", ""},
      {0x0020, 0x1206, "IS", ""}, {0x0020, 0x1208, "IS", ""}};
  for (const ShapeKey& r : returns) {
    if (std::none_of(keys.begin(), keys.end(), [&](const ShapeKey& k) {
          return k.group == r.group && k.element == r.element;
        })) {
      keys.push_back(r);
    }
  }
}

// A study spread evenly over the archive for sample k.
int64_t StudyOf(const SyntheticArchive& a, int64_t k) {
  return static_cast<int64_t>(Mix(0xF1D0 + k) % static_cast<uint64_t>(a.studies()));
}

}  // namespace

const std::vector<Shape>& AllShapes() {
  static const std::vector<Shape> all = {
      Shape::kStudyByPatientId, Shape::kStudyByPatientNamePrefix, Shape::kStudyByDay,
      Shape::kStudyByMonth,     Shape::kStudyByAccession,         Shape::kSeriesOfStudy,
      Shape::kImagesOfSeries};
  return all;
}

const char* ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kStudyByPatientId: return "study/PatientID";
    case Shape::kStudyByPatientNamePrefix: return "study/PatientName-prefix";
    case Shape::kStudyByDay: return "study/StudyDate-day";
    case Shape::kStudyByMonth: return "study/StudyDate-month";
    case Shape::kStudyByAccession: return "study/AccessionNumber";
    case Shape::kSeriesOfStudy: return "series/StudyInstanceUID";
    case Shape::kImagesOfSeries: return "image/SeriesInstanceUID";
  }
  return "?";
}

std::vector<Shape> ParseShapes(const std::string& list) {
  if (list.empty() || list == "all") return AllShapes();
  std::vector<Shape> shapes;
  std::stringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    for (Shape s : AllShapes()) {
      if (name == ShapeName(s)) shapes.push_back(s);
    }
  }
  return shapes;
}

ShapeQuery MakeQuery(const SyntheticArchive& a, Shape shape, int64_t k) {
  const int64_t s = StudyOf(a, k);
  ShapeQuery q;
  switch (shape) {
    case Shape::kStudyByPatientId:
      q.keys = {Level("STUDY"), {0x0010, 0x0020, "LO", a.PatientId(a.PatientOf(s))}};
      AddStudyReturnKeys(q.keys);
      break;
    case Shape::kStudyByPatientNamePrefix: {
      // "SMITH^J*": the surname and the first letter of the given name.
      const std::string name = a.PatientName(a.PatientOf(s));
      q.keys = {Level("STUDY"), {0x0010, 0x0010, "PN", name.substr(0, name.find('^') + 2) + "*"}};
      AddStudyReturnKeys(q.keys);
      break;
    }
    case Shape::kStudyByDay:
      q.keys = {Level("STUDY"), {0x0008, 0x0020, "DA", a.StudyDate(s)}};
      AddStudyReturnKeys(q.keys);
      break;
    case Shape::kStudyByMonth: {
      const std::string day = a.StudyDate(s);
      q.keys = {Level("STUDY"),
                {0x0008, 0x0020, "DA", day.substr(0, 6) + "01-" + LastDayOfMonth(day)}};
      AddStudyReturnKeys(q.keys);
      break;
    }
    case Shape::kStudyByAccession:
      q.keys = {Level("STUDY"), {0x0008, 0x0050, "SH", a.AccessionNumber(s)}};
      AddStudyReturnKeys(q.keys);
      break;
    case Shape::kSeriesOfStudy:
      q.keys = {Level("SERIES"),          {0x0020, 0x000D, "UI", a.StudyUid(s)},
                {0x0020, 0x000E, "UI", ""}, {0x0008, 0x0060, "CS", ""},
                {0x0020, 0x0011, "IS", ""}, {0x0008, 0x103E, "LO", ""},
                {0x0018, 0x0015, "CS", ""}, {0x0008, 0x0021, "DA", ""},
                {0x0020, 0x1209, "IS", ""}};
      break;
    case Shape::kImagesOfSeries: {
      // Series 1 of the study: it exists even in the archive's last, short study.
      q.keys = {Level("IMAGE"),           {0x0020, 0x000D, "UI", a.StudyUid(s)},
                {0x0020, 0x000E, "UI", a.SeriesUid(s, 0)},
                {0x0008, 0x0018, "UI", ""}, {0x0008, 0x0016, "UI", ""},
                {0x0020, 0x0013, "IS", ""}, {0x0028, 0x0010, "US", ""},
                {0x0028, 0x0011, "US", ""}, {0x0008, 0x0008, "CS", ""}};
      break;
    }
  }
  return q;
}

std::string DescribeMatchKeys(const ShapeQuery& query) {
  std::string out;
  for (const ShapeKey& k : query.keys) {
    if (k.value.empty() || (k.group == 0x0008 && k.element == 0x0052)) continue;
    char tag[16];
    std::snprintf(tag, sizeof(tag), "(%04X,%04X)", k.group, k.element);
    if (!out.empty()) out += " ";
    out += std::string(tag) + "=" + k.value;
  }
  return out;
}

LatencyStats Summarize(std::vector<double> micros) {
  LatencyStats s;
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    const size_t i = std::min(micros.size() - 1, static_cast<size_t>(q * (micros.size() - 1) + 0.5));
    return micros[i];
  };
  s.median_us = at(0.5);
  s.p90_us = at(0.9);
  s.p99_us = at(0.99);
  s.max_us = micros.back();
  s.mean_us = std::accumulate(micros.begin(), micros.end(), 0.0) / micros.size();
  return s;
}

double ProcessCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

void PrintClientColumns() {
  std::printf("%-26s %9s %9s %9s %9s %9s %6s %13s\n", "shape", "median_ms", "p90_ms", "p99_ms",
              "max_ms", "matches", "empty", "client_cpu_ms");
}

void PrintClientRow(Shape shape, std::vector<double> micros, size_t total_matches,
                    size_t empty_answers, double client_cpu_ms) {
  const double queries = static_cast<double>(micros.size());
  const LatencyStats s = Summarize(std::move(micros));
  std::printf("%-26s %9.3f %9.3f %9.3f %9.3f %9.1f %6zu %13.3f\n", ShapeName(shape),
              s.median_us / 1000, s.p90_us / 1000, s.p99_us / 1000, s.max_us / 1000,
              static_cast<double>(total_matches) / queries, empty_answers, client_cpu_ms);
  std::fflush(stdout);
}

}  // namespace pixeldex::bench

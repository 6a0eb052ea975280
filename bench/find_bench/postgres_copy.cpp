#include "bench/find_bench/postgres_copy.h"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/index/attribute_columns.h"
#include "catalog/index/writer_sql.h"

namespace pixeldex::bench {
namespace {

using index::AttributeColumns;
using index::ColumnValue;

// One row of COPY's text format: tab-separated, \N for NULL, backslash,
// tab, newline and carriage return escaped.
class CopyRow {
 public:
  explicit CopyRow(std::string& line) : line_(line) { line_.clear(); }
  void Add(const ColumnValue& value) {
    if (!line_.empty()) line_ += '\t';
    if (std::holds_alternative<std::monostate>(value)) {
      line_ += "\\N";
    } else if (const auto* n = std::get_if<int64_t>(&value)) {
      line_ += std::to_string(*n);
    } else {
      for (char c : std::get<std::string>(value)) {
        switch (c) {
          case '\\': line_ += "\\\\"; break;
          case '\t': line_ += "\\t"; break;
          case '\n': line_ += "\\n"; break;
          case '\r': line_ += "\\r"; break;
          default: line_ += c;
        }
      }
    }
  }
  void AddAll(const std::vector<ColumnValue>& values) {
    for (const ColumnValue& v : values) Add(v);
  }

 private:
  std::string& line_;
};

std::string ColumnsOf(EntityLevel level) {
  return AttributeColumns(level, AttributeColumns::Which::kAll).Names();
}

// Writes and checks one piece of the script.
class Script {
 public:
  explicit Script(std::FILE* out) : out_(out) {}
  void Put(const std::string& text) {
    ok_ = ok_ && std::fwrite(text.data(), 1, text.size(), out_) == text.size();
  }
  void Row(std::string& line) {
    line += '\n';
    Put(line);
  }
  bool ok() const { return ok_; }
  bool Finish() { return ok_ && std::fflush(out_) == 0; }

 private:
  std::FILE* out_;
  bool ok_ = true;
};

}  // namespace

bool WritePostgresCopy(const SyntheticArchive& archive, std::FILE* out) {
  const AttributeColumns patient(EntityLevel::kPatient, AttributeColumns::Which::kAll);
  const AttributeColumns study(EntityLevel::kStudy, AttributeColumns::Which::kAll);
  const AttributeColumns series(EntityLevel::kSeries, AttributeColumns::Which::kAll);
  const AttributeColumns instance(EntityLevel::kInstance, AttributeColumns::Which::kAll);
  constexpr int64_t kPerStudy = SyntheticArchive::kInstancesPerStudy;
  constexpr int64_t kPerSeries = SyntheticArchive::kInstancesPerSeries;
  const int64_t n = archive.instances();
  const int64_t series_count = (n + kPerSeries - 1) / kPerSeries;

  Script script(out);
  std::string line;
  script.Put(
      "BEGIN;\n"
      "SET LOCAL session_replication_role = replica;\n"
      "TRUNCATE patients, studies, series, instances, headers, thumbnails;\n");

  // Patients: those some study names (PatientOf is a hash, so not all).
  script.Put("COPY patients (patient_pk, " + ColumnsOf(EntityLevel::kPatient) +
             ", updated_at) FROM stdin WITH (FREEZE);\n");
  std::vector<bool> seen(static_cast<size_t>(archive.patients()), false);
  for (int64_t s = 0; s < archive.studies(); ++s) {
    const int64_t p = archive.PatientOf(s);
    if (seen[static_cast<size_t>(p)]) continue;
    seen[static_cast<size_t>(p)] = true;
    const InstanceRecord r = archive.Record(s * kPerStudy);
    CopyRow row(line);
    row.Add(p + 1);
    row.AddAll(patient.Values(r));
    row.Add(r.file.received_at);
    script.Row(line);
  }
  script.Put("\\.\n");

  // Studies, with the counts and Modalities in Study the triggers would keep.
  script.Put("COPY studies (study_pk, patient_pk, " + ColumnsOf(EntityLevel::kStudy) +
             ", updated_at, number_of_series, number_of_instances, modalities_in_study) "
             "FROM stdin WITH (FREEZE);\n");
  for (int64_t s = 0; s < archive.studies(); ++s) {
    const InstanceRecord r = archive.Record(s * kPerStudy);
    const int64_t in_study = std::min(kPerStudy, n - s * kPerStudy);
    CopyRow row(line);
    row.Add(s + 1);
    row.Add(archive.PatientOf(s) + 1);
    row.AddAll(study.Values(r));
    row.Add(r.file.received_at);
    row.Add((in_study + kPerSeries - 1) / kPerSeries);
    row.Add(in_study);
    row.Add(r.series.modality);
    script.Row(line);
  }
  script.Put("\\.\n");

  script.Put("COPY series (series_pk, study_pk, " + ColumnsOf(EntityLevel::kSeries) +
             ", updated_at) FROM stdin WITH (FREEZE);\n");
  for (int64_t se = 0; se < series_count; ++se) {
    const InstanceRecord r = archive.Record(se * kPerSeries);
    CopyRow row(line);
    row.Add(se + 1);
    row.Add(se * kPerSeries / kPerStudy + 1);
    row.AddAll(series.Values(r));
    row.Add(r.file.received_at);
    script.Row(line);
  }
  script.Put("\\.\n");

  // Instances and their headers: one record each, two tables, so the
  // records are made twice rather than held (10M headers are 12 GB).
  script.Put("COPY instances (instance_pk, series_pk, " + ColumnsOf(EntityLevel::kInstance) +
             ", " + std::string(index::kInstanceFileColumns) + ") FROM stdin WITH (FREEZE);\n");
  for (int64_t i = 0; i < n && script.ok(); ++i) {
    const InstanceRecord r = archive.Record(i);
    CopyRow row(line);
    row.Add(i + 1);
    row.Add(i / kPerSeries + 1);
    row.AddAll(instance.Values(r));
    row.AddAll(index::InstanceFileValues(r));
    script.Row(line);
  }
  script.Put("\\.\n");
  script.Put("COPY headers (instance_pk, json) FROM stdin WITH (FREEZE);\n");
  for (int64_t i = 0; i < n && script.ok(); ++i) {
    CopyRow row(line);
    row.Add(i + 1);
    row.Add(archive.Record(i).header_json);
    script.Row(line);
  }
  script.Put("\\.\n");

  // Later inserts (a store into the benchmark's index) take the next keys.
  const std::pair<const char*, const char*> keys[] = {
      {"patients", "patient_pk"}, {"studies", "study_pk"},
      {"series", "series_pk"}, {"instances", "instance_pk"}};
  for (const auto& [table, key] : keys) {
    script.Put(std::string("SELECT setval(pg_get_serial_sequence('") + table + "', '" + key +
               "'), (SELECT max(" + key + ") FROM " + table + "));\n");
  }
  script.Put("COMMIT;\n");
  return script.Finish();
}

}  // namespace pixeldex::bench

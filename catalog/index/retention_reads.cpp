#include "catalog/index/retention_reads.h"

namespace pixeldex::index {
namespace {

// The bytes of a set of instance rows, as an integer on either database
// (PostgreSQL's sum of a bigint is a numeric).
constexpr const char* kSumOfBytes = "CAST(coalesce(sum(size_bytes), 0) AS BIGINT)";

// The identity of the row with the largest instance_pk (NULL when none).
constexpr const char* kLastRow =
    "(SELECT sop_instance_uid || '|' || received_at FROM instances "
    "WHERE instance_pk = (SELECT max(instance_pk) FROM instances))";

// The one row of a read that returns one.
Status ReadOneRow(ArchiveReads& reads, const std::string& sql, const std::vector<ReadParam>& params,
                  const std::function<void(const RowCursor&)>& read) {
  bool found = false;
  PIXELDEX_RETURN_IF_ERROR(reads.ForEachRow(sql, params, [&](const RowCursor& row) {
    read(row);
    found = true;
    return Result<bool>(false);
  }));
  return found ? Status::Ok() : Status::Internal("no row from: " + sql);
}

}  // namespace

Result<std::optional<ProtectionRow>> ProtectionOf(ArchiveReads& reads,
                                                  const std::string& study_instance_uid) {
  std::optional<ProtectionRow> protection;
  PIXELDEX_RETURN_IF_ERROR(reads.ForEachRow(
      "SELECT protected_at, reason FROM protected_studies WHERE study_instance_uid = ?1",
      {study_instance_uid}, [&](const RowCursor& row) {
        protection = ProtectionRow{row.Text(0), row.Text(1)};
        return Result<bool>(false);
      }));
  return protection;
}

Result<int64_t> ArchiveBytes(ArchiveReads& reads) {
  int64_t bytes = 0;
  PIXELDEX_RETURN_IF_ERROR(
      ReadOneRow(reads, std::string("SELECT ") + kSumOfBytes + " FROM instances", {},
                 [&](const RowCursor& row) { bytes = row.Int(0); }));
  return bytes;
}

Status ForEachUnprotectedStudyOldestFirst(ArchiveReads& reads,
                                          const std::function<bool(const StudyAge&)>& fn) {
  // Grouped by the key, whose row the study's UID depends on (PostgreSQL
  // 7.2.3 "The GROUP BY and HAVING Clauses": functional dependency).
  const std::string sql =
      "SELECT st.study_instance_uid, CAST(coalesce(sum(i.size_bytes), 0) AS BIGINT), "
      "max(i.received_at) "
      "FROM studies st JOIN series se ON se.study_pk = st.study_pk "
      "JOIN instances i ON i.series_pk = se.series_pk "
      "WHERE st.study_instance_uid NOT IN (SELECT study_instance_uid FROM protected_studies) "
      "GROUP BY st.study_pk ORDER BY max(i.received_at), st.study_pk";
  return reads.ForEachRow(sql, {}, [&](const RowCursor& row) {
    return Result<bool>(fn({row.Text(0), row.Int(1), row.Text(2)}));
  });
}

Result<std::vector<std::string>> InstancesOfStudy(ArchiveReads& reads,
                                                  const std::string& study_instance_uid) {
  std::vector<std::string> instances;
  PIXELDEX_RETURN_IF_ERROR(reads.ForEachRow(
      "SELECT i.sop_instance_uid FROM instances i "
      "JOIN series se ON se.series_pk = i.series_pk JOIN studies st ON st.study_pk = se.study_pk "
      "WHERE st.study_instance_uid = ?1 ORDER BY i.instance_pk",
      {study_instance_uid}, [&](const RowCursor& row) {
        instances.push_back(row.Text(0));
        return Result<bool>(true);
      }));
  return instances;
}

Result<SizeMark> SizeOfAll(ArchiveReads& reads) {
  SizeMark mark;
  PIXELDEX_RETURN_IF_ERROR(ReadOneRow(
      reads,
      std::string("SELECT ") + kSumOfBytes + ", coalesce(max(instance_pk), 0), " + kLastRow +
          " FROM instances",
      {}, [&](const RowCursor& row) { mark = {row.Int(0), row.Int(1), row.Text(2)}; }));
  return mark;
}

Result<SizeGrowth> SizeAddedSince(ArchiveReads& reads, const SizeMark& since) {
  // The rows added since: a range of the primary key (SEARCH, not SCAN).
  SizeGrowth growth;
  PIXELDEX_RETURN_IF_ERROR(ReadOneRow(
      reads,
      std::string("SELECT (SELECT sop_instance_uid || '|' || received_at FROM instances "
                  "WHERE instance_pk = ?1), ") +
          kSumOfBytes + ", coalesce(max(instance_pk), ?1), " + kLastRow +
          " FROM instances WHERE instance_pk > ?1",
      {since.last_pk}, [&](const RowCursor& row) {
        growth = {row.Text(0), {row.Int(1), row.Int(2), row.Text(3)}};
      }));
  return growth;
}

}  // namespace pixeldex::index

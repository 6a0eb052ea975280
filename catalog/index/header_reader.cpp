#include "catalog/index/header_reader.h"

namespace pixeldex::index {

Result<size_t> ForEachHeader(Db& db, const std::string& study, const std::string& series,
                             const std::string& sop_instance,
                             const std::function<void(std::string_view json)>& on_header) {
  std::string sql =
      "SELECT h.json FROM studies st "
      "JOIN series se ON se.study_pk = st.study_pk "
      "JOIN instances i ON i.series_pk = se.series_pk "
      "JOIN headers h ON h.instance_pk = i.instance_pk "
      "WHERE st.study_instance_uid = ?1";
  if (!series.empty()) sql += " AND se.series_instance_uid = ?2";
  if (!sop_instance.empty()) sql += " AND i.sop_instance_uid = ?3";
  sql += " ORDER BY se.series_pk, i.instance_pk";
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, study);
  if (!series.empty()) stmt->Bind(2, series);
  if (!sop_instance.empty()) stmt->Bind(3, sop_instance);
  size_t count = 0;
  while (stmt->Step()) {
    on_header(stmt->Text(0));
    ++count;
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->status());
  return count;
}

}  // namespace pixeldex::index

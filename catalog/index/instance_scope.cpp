#include "catalog/index/instance_scope.h"

namespace pixeldex::index {

Result<Statement> PrepareInScope(Db& db, const std::string& columns, const std::string& joins,
                                 const InstanceScope& scope) {
  std::string sql = "SELECT " + columns +
                    " FROM studies st "
                    "JOIN series se ON se.study_pk = st.study_pk "
                    "JOIN instances i ON i.series_pk = se.series_pk " +
                    joins + " WHERE st.study_instance_uid = ?1";
  if (!scope.series.empty()) sql += " AND se.series_instance_uid = ?2";
  if (!scope.sop_instance.empty()) sql += " AND i.sop_instance_uid = ?3";
  sql += " ORDER BY se.series_pk, i.instance_pk";
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, scope.study);
  if (!scope.series.empty()) stmt->Bind(2, scope.series);
  if (!scope.sop_instance.empty()) stmt->Bind(3, scope.sop_instance);
  return stmt;
}

}  // namespace pixeldex::index

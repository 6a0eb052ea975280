#pragma once
// The parameters of a planner's plan (sql_plan.h) as libpq parameters, for
// the tests that run PostgresDialect plans on a real PostgreSQL.

#include <string>
#include <vector>

#include "catalog/index/postgres/pg_rows.h"
#include "catalog/query/sql_plan.h"

namespace pixeldex::query::testing {

inline std::vector<index::postgres::PgParam> PgParamsOf(const SqlPlan& plan) {
  using index::postgres::PgParam;
  std::vector<PgParam> params;
  for (const SqlParam& p : plan.params) {
    switch (p.type) {
      case SqlParam::Type::kText:
        params.push_back(PgParam::Text(p.text));
        break;
      case SqlParam::Type::kReal:
        params.push_back(PgParam::Text(std::to_string(p.real)));
        break;
      case SqlParam::Type::kInteger:
        params.push_back(PgParam::Int(p.integer));
        break;
    }
  }
  return params;
}

}  // namespace pixeldex::query::testing

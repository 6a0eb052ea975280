#include "tests/support/index_probe.h"

#include <sqlite3.h>

#include <stdexcept>

namespace pixeldex::testing {

std::vector<Row> IndexProbe::Rows(const std::string& sql,
                                  const std::vector<std::string>& params) const {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "open failed";
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path_ + ": " + msg);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("SQL error in '" + sql + "': " + msg);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<Row> rows;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const auto* text = sqlite3_column_text(stmt, c);
      row.push_back(text ? std::string(reinterpret_cast<const char*>(text),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, c)))
                         : "<null>");
    }
    rows.push_back(std::move(row));
  }
  std::string msg = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!msg.empty()) throw std::runtime_error("SQL error in '" + sql + "': " + msg);
  return rows;
}

std::string IndexProbe::Scalar(const std::string& sql, const std::vector<std::string>& params) const {
  auto rows = Rows(sql, params);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no rows for '" + sql + "'");
  return rows[0][0];
}

long long IndexProbe::Count(const std::string& sql, const std::vector<std::string>& params) const {
  return std::stoll(Scalar(sql, params));
}

}  // namespace pixeldex::testing

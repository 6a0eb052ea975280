#include "tests/support/index_probe.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <memory>
#include <regex>
#include <stdexcept>

namespace pixeldex::testing {
namespace {

std::vector<Row> PostgresRows(const std::string& uri, const std::string& sql,
                              const std::vector<std::string>& params) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(uri.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn.get()));
  }
  const std::string text = std::regex_replace(sql, std::regex(R"(\?(\d+))"), "$$$1");
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(conn.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                   values.data(), nullptr, nullptr, 0),
      &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL error in '" + text + "': " + PQerrorMessage(conn.get()));
  }
  std::vector<Row> rows;
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    Row row;
    for (int c = 0; c < PQnfields(result.get()); ++c) {
      row.push_back(PQgetisnull(result.get(), r, c) ? "<null>" : PQgetvalue(result.get(), r, c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::vector<Row> IndexProbe::Rows(const std::string& sql,
                                  const std::vector<std::string>& params) const {
  if (path_.starts_with("postgresql://")) return PostgresRows(path_, sql, params);
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

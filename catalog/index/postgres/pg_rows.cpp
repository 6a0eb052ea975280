#include "catalog/index/postgres/pg_rows.h"

#include <libpq-fe.h>

#include <charconv>

namespace pixeldex::index::postgres {

void PgRows::Clear::operator()(pg_result* result) const { PQclear(result); }

PgRows::PgRows(pg_result* result) : result_(result) {}

int PgRows::rows() const { return PQntuples(result_.get()); }

int PgRows::columns() const { return PQnfields(result_.get()); }

int64_t PgRows::affected() const {
  const std::string_view text = PQcmdTuples(result_.get());
  int64_t count = 0;
  std::from_chars(text.data(), text.data() + text.size(), count);
  return count;  // empty for statements that touch no rows: 0
}

std::string_view PgRows::ColumnName(int column) const {
  const char* name = PQfname(result_.get(), column);
  return name != nullptr ? name : "";
}

uint32_t PgRows::ColumnType(int column) const { return PQftype(result_.get(), column); }

bool PgRows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view PgRows::Text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

Result<int64_t> PgRows::Int(int row, int column) const {
  const std::string_view text = Text(row, column);
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption("not an integer: '" + std::string(text) + "' in column " +
                              PQfname(result_.get(), column));
  }
  return value;
}

Result<std::string> PgRows::Bytes(int row, int column) const {
  size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (bytes == nullptr) return Status::ResourceExhausted("out of memory decoding a bytea value");
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

}  // namespace pixeldex::index::postgres

#pragma once
// The values a statement takes and the rows it returns, in libpq's terms
// (PostgreSQL documentation, libpq 34.3.1 "Main Functions", PQexecParams and
// 34.3.2 "Retrieving Query Result Information").
//
// PgParam: one bound parameter. Text goes in libpq's text format (the server
// parses it as the parameter's type: text, jsonb, bigint...; it ends at a NUL
// byte, which PostgreSQL text cannot hold anyway); bytes go in
// binary format, so a bytea value is sent as it is, NUL bytes included, and
// never through an escaping function. Never spliced into the SQL text.
//
// PgRows: owns one PGresult and reads it in text format; a bytea column's
// text form is decoded with PQunescapeBytea (34.3.4 "Escaping Strings for
// Inclusion in SQL Commands"). Move-only; one thread at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

struct pg_result;

namespace pixeldex::index::postgres {

struct PgParam {
  enum class Format { kText = 0, kBinary = 1 };  // libpq's paramFormats values
  std::optional<std::string> value;              // nullopt: SQL NULL
  Format format = Format::kText;

  static PgParam Text(std::string text) { return {std::move(text), Format::kText}; }
  static PgParam Int(int64_t value) { return {std::to_string(value), Format::kText}; }
  static PgParam Bytes(std::string bytes) { return {std::move(bytes), Format::kBinary}; }
  static PgParam Null() { return {std::nullopt, Format::kText}; }
};

class PgRows {
 public:
  explicit PgRows(pg_result* result);  // takes ownership
  PgRows(PgRows&&) noexcept = default;
  PgRows& operator=(PgRows&&) noexcept = default;

  int rows() const;
  int columns() const;
  // The number of rows an INSERT, UPDATE or DELETE touched (PQcmdTuples).
  int64_t affected() const;
  // A result column's name (PQfname) and the OID of its type (PQftype,
  // libpq 34.3.2), e.g. 20 for bigint: what `pixeldex query` types values by.
  std::string_view ColumnName(int column) const;
  uint32_t ColumnType(int column) const;

  bool IsNull(int row, int column) const;
  // The value's text form; empty for NULL.
  std::string_view Text(int row, int column) const;
  // An integer column (int2/int4/int8, or a count).
  Result<int64_t> Int(int row, int column) const;
  // A bytea column, decoded.
  Result<std::string> Bytes(int row, int column) const;

  // The PGresult, for the error translation (pg_error.h); may be null.
  const pg_result* get() const { return result_.get(); }

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

}  // namespace pixeldex::index::postgres

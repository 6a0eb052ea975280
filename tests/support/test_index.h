#pragma once
// TestIndex: the index a backend-parameterized test runs on (issue 18):
// a SQLite file in the test's folder, or the database of a real
// PostgreSQL server started for the test (postgres_server.h). One set of
// end-to-end cases (TEST_P, in a *_cases.h header) is instantiated with
// IndexKind::kSqlite by its SQLite test binary and with kPostgres by one in
// tests/postgres, so that the same assertions hold on both.

#include <memory>
#include <string>

#include "tests/support/postgres_server.h"

namespace pixeldex::testing {

enum class IndexKind { kSqlite, kPostgres };

class TestIndex {
 public:
  // kSqlite: the file `sqlite_file`; kPostgres starts a server (throws
  // std::runtime_error when it cannot).
  TestIndex(IndexKind kind, std::string sqlite_file);

  // The file's path, or the database's postgresql:// URI: storage.index.
  const std::string& location() const { return location_; }
  // Runs `sql`, a write in SQL both databases speak, as an administrator
  // would with sqlite3 or psql (waiting up to 30 s for a running server's
  // write to end, as psql does); throws std::runtime_error on failure.
  void Exec(const std::string& sql) const;

 private:
  std::unique_ptr<PostgresServer> postgres_;
  std::string location_;
};

// received_at as the index writes it (ISO 8601 UTC), `days` days ago.
std::string ReceivedDaysAgo(int days);

}  // namespace pixeldex::testing

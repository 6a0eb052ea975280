#include "tests/support/test_index.h"

#include <time.h>

#include <stdexcept>

#include "tests/support/process.h"

namespace pixeldex::testing {

TestIndex::TestIndex(IndexKind kind, std::string sqlite_file) {
  if (kind == IndexKind::kPostgres) {
    postgres_ = std::make_unique<PostgresServer>();
    location_ = postgres_->Uri();
  } else {
    location_ = std::move(sqlite_file);
  }
}

void TestIndex::Exec(const std::string& sql) const {
  const ProcessResult r =
      postgres_ ? RunProcess({"psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-q", location_,
                              "-c", sql})
                : RunProcess({"sqlite3", "-cmd", ".timeout 30000", location_, sql});
  if (r.exit_code != 0) throw std::runtime_error(sql + ": " + r.output);
}

std::string ReceivedDaysAgo(int days) {
  const time_t then = ::time(nullptr) - static_cast<time_t>(days) * 86400;
  tm utc{};
  ::gmtime_r(&then, &utc);
  char text[32];
  ::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S.000Z", &utc);
  return text;
}

}  // namespace pixeldex::testing

// RedactUri: no password of a libpq URI (libpq 34.1.1.2) survives redaction,
// and PgConnection::Open shows nothing else.
#include "catalog/index/postgres/pg_uri.h"

#include <gtest/gtest.h>

#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {
namespace {

TEST(PgUriTest, RecognisesBothSchemes) {
  EXPECT_TRUE(IsPostgresUri("postgresql://u@h/db"));
  EXPECT_TRUE(IsPostgresUri("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresUri("/var/lib/pixeldex/index.db"));
  EXPECT_FALSE(IsPostgresUri("host=h password=x"));
}

TEST(PgUriTest, MasksThePasswordOfTheUserInfo) {
  EXPECT_EQ(RedactUri("postgresql://alice:s3cr3t@db.example:5432/pixeldex"),
            "postgresql://alice:***@db.example:5432/pixeldex");
}

TEST(PgUriTest, KeepsAUriWithoutPasswordAsItIs) {
  EXPECT_EQ(RedactUri("postgresql://alice@db.example:5432/pixeldex?sslmode=require"),
            "postgresql://alice@db.example:5432/pixeldex?sslmode=require");
  EXPECT_EQ(RedactUri("postgresql:///pixeldex"), "postgresql:///pixeldex");
}

TEST(PgUriTest, MasksAPasswordWithAtSignsAndColons) {
  // The user info ends at the last '@'; a password may hold '@' and ':'.
  EXPECT_EQ(RedactUri("postgresql://bob:p@ss:w@rd@h:1/d"), "postgresql://bob:***@h:1/d");
}

TEST(PgUriTest, MasksPasswordQueryParameters) {
  EXPECT_EQ(RedactUri("postgres://h/d?sslmode=disable&password=hunter2&application_name=x"),
            "postgres://h/d?sslmode=disable&password=***&application_name=x");
  EXPECT_EQ(RedactUri("postgresql://u:a@h/d?password=b"), "postgresql://u:***@h/d?password=***");
}

TEST(PgUriTest, MasksAnythingThatIsNoUriWhole) {
  EXPECT_EQ(RedactUri("host=h user=u password=hunter2"), "***");
}

TEST(PgUriTest, OpenRefusesANonUriWithoutEchoingIt) {
  auto conn = PgConnection::Open("host=127.0.0.1 password=hunter2");
  EXPECT_EQ(conn.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(conn.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::index::postgres

// PgReaderPool against a real PostgreSQL: a reader's connection goes back to
// the pool and serves the next reader (no new connection); readers held at
// once get connections of their own; and a pooled connection the server
// dropped (PostgreSQL restarted) serves the next search all the same, its
// BEGIN tried once more on the connection made again (pg_row_cursor.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/query/pg_index_reader.h"
#include "tests/support/postgres_server.h"

namespace pixeldex::query {
namespace {

using ::pixeldex::testing::PostgresServer;

// The values of column 0 of `sql` with one text parameter, through `reader`.
std::vector<std::string> Read(IndexReader& reader, const std::string& value) {
  SqlPlan plan;
  plan.sql = "SELECT " + reader.dialect().Placeholder(1) + "::text";
  plan.params.push_back({SqlParam::Type::kText, value, 0, 0});
  auto cursor = reader.Open(plan, ReadWatch{});
  EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
  std::vector<std::string> values;
  while (cursor.ok()) {
    auto row = (*cursor)->Step();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !*row) break;
    values.push_back((*cursor)->Text(0));
  }
  return values;
}

class PgReaderPoolE2eTest : public ::testing::Test {
 protected:
  PostgresServer server_;
  PgReaderPool pool_{server_.Uri()};
};

TEST_F(PgReaderPoolE2eTest, AReadersConnectionServesTheNextReader) {
  for (int i = 0; i < 3; ++i) {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ(Read(**reader, "x" + std::to_string(i)),
              std::vector<std::string>{"x" + std::to_string(i)});
  }
  EXPECT_EQ(pool_.opened(), 1u);
  EXPECT_EQ(pool_.idle(), 1u);
}

TEST_F(PgReaderPoolE2eTest, ReadersHeldAtOnceHaveTheirOwnConnections) {
  {
    auto first = pool_.Acquire();
    auto second = pool_.Acquire();
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(Read(**first, "a"), std::vector<std::string>{"a"});
    EXPECT_EQ(Read(**second, "b"), std::vector<std::string>{"b"});
    EXPECT_EQ(pool_.idle(), 0u);
  }
  EXPECT_EQ(pool_.opened(), 2u);
  EXPECT_EQ(pool_.idle(), 2u);
}

TEST_F(PgReaderPoolE2eTest, APooledConnectionTheServerDroppedServesTheNextSearch) {
  {
    auto reader = pool_.Acquire();
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ(Read(**reader, "before"), std::vector<std::string>{"before"});
  }
  ASSERT_EQ(pool_.idle(), 1u);
  server_.Stop();
  server_.Start();
  auto reader = pool_.Acquire();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(Read(**reader, "after"), std::vector<std::string>{"after"});
  EXPECT_EQ(pool_.opened(), 1u);  // the pooled one, made again
}

}  // namespace
}  // namespace pixeldex::query

// Parsing of C-MOVE destinations (move.destinations, --move-destination).

#include "server/retrieve/move_destinations.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

TEST(MoveDestinationsTest, ParsesEntriesSeparatedByCommasOrSpaces) {
  auto parsed = ParseMoveDestinations("VIEWER=10.0.0.5:104, PACS=pacs.local:11112  LAST=127.0.0.1:4242");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  const MoveDestination* viewer = FindMoveDestination(*parsed, "VIEWER");
  ASSERT_NE(viewer, nullptr);
  EXPECT_EQ(viewer->host, "10.0.0.5");
  EXPECT_EQ(viewer->port, 104);
  EXPECT_EQ(FindMoveDestination(*parsed, "PACS")->host, "pacs.local");
  EXPECT_EQ(FindMoveDestination(*parsed, "LAST")->port, 4242);
  EXPECT_EQ(FindMoveDestination(*parsed, "viewer"), nullptr);  // AE titles are case-sensitive
}

TEST(MoveDestinationsTest, ATlsSchemeMarksADestinationReachedOverTls) {
  auto parsed = ParseMoveDestinations("SECURE=tls://pacs.local:2762, PLAIN=10.0.0.5:104");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const MoveDestination* secure = FindMoveDestination(*parsed, "SECURE");
  ASSERT_NE(secure, nullptr);
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->host, "pacs.local");
  EXPECT_EQ(secure->port, 2762);
  EXPECT_FALSE(FindMoveDestination(*parsed, "PLAIN")->tls);
  EXPECT_TRUE(AnyUsesTls(*parsed));
  auto plain_only = ParseMoveDestinations("PLAIN=10.0.0.5:104");
  ASSERT_TRUE(plain_only.ok());
  EXPECT_FALSE(AnyUsesTls(*plain_only));
}

TEST(MoveDestinationsTest, EmptyTextMeansNoDestinations) {
  auto parsed = ParseMoveDestinations("  ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(MoveDestinationsTest, MalformedEntriesAreRefusedByName) {
  for (const char* bad : {"VIEWER", "VIEWER=host", "=host:104", "VIEWER=:104", "VIEWER=host:0",
                          "VIEWER=host:70000", "VIEWER=host:12x", "SEVENTEEN_CHARS_X=h:1",
                          "A=h:1 A=g:2", "VIEWER=tls://host", "VIEWER=tls://:104",
                          "VIEWER=tls:/host:104", "VIEWER=ssl://host:104"}) {
    auto parsed = ParseMoveDestinations(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
  }
  auto parsed = ParseMoveDestinations("OK=h:1, BROKEN=h");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("BROKEN=h"), std::string::npos);
}

}  // namespace
}  // namespace pixeldex::server

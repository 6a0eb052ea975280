// ParseCommandSet: a command set is read only when it has one reading, and
// that reading is DCMTK's (DCMTK keeps the first of a repeated tag and sorts
// tags that do not ascend, so both are refused).

#include "server/listener/command_set.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "tests/support/upper_layer_bytes.h"

namespace pixeldex::server {
namespace {

using testing::CommandElement;
using testing::Le16;
using testing::Le32;
using testing::RequestCommandSet;

void ExpectParseRefused(const std::string& bytes, const std::string& why) {
  auto parsed = ParseCommandSet(bytes);
  ASSERT_FALSE(parsed.ok()) << why;
  EXPECT_NE(parsed.status().message().find(why), std::string::npos) << parsed.status().message();
}

TEST(CommandSetTest, ReadsTheCommandFieldAndWhetherADataSetFollows) {
  auto find = ParseCommandSet(RequestCommandSet(0x0020, UID_CTImageStorage));
  ASSERT_TRUE(find.ok()) << find.status().message();
  EXPECT_EQ(find->command_field, 0x0020);
  EXPECT_TRUE(find->has_data_set);
  auto echo = ParseCommandSet(CommandElement(0x0000, Le32(0)) +
                              RequestCommandSet(0x0030, UID_CTImageStorage, false));
  ASSERT_TRUE(echo.ok()) << echo.status().message();
  EXPECT_EQ(echo->command_field, 0x0030);
  EXPECT_FALSE(echo->has_data_set);
}

TEST(CommandSetTest, ARepeatedCommandFieldIsRefused) {
  // The attack: DCMTK reads C-FIND-RQ (the first), a last-wins reader C-STORE-RQ.
  ExpectParseRefused(CommandElement(0x0002, UID_CTImageStorage) +
                         CommandElement(0x0100, Le16(0x0020)) +
                         CommandElement(0x0100, Le16(0x0001)) + CommandElement(0x0800, Le16(0)),
                     "repeats (0000,0100)");
}

TEST(CommandSetTest, TagsOutOfOrderAreRefused) {
  ExpectParseRefused(CommandElement(0x0800, Le16(0)) + CommandElement(0x0100, Le16(0x0001)),
                     "not in ascending tag order at (0000,0100)");
}

TEST(CommandSetTest, ElementsOutsideGroup0000AreRefused) {
  const std::string sequence = Le16(0x0008) + Le16(0x1115) + Le32(0);
  ExpectParseRefused(RequestCommandSet(0x0020, UID_CTImageStorage) + sequence,
                     "outside group 0000");
  ExpectParseRefused(
      Le16(0xFFFE) + Le16(0xE000) + Le32(0) + RequestCommandSet(0x0020, UID_CTImageStorage),
      "outside group 0000");
}

TEST(CommandSetTest, MalformedLayoutsAreRefused) {
  ExpectParseRefused(
      RequestCommandSet(0x0020, UID_CTImageStorage) + Le16(0) + Le16(0x0900) + Le32(0xFFFFFFFF),
      "undefined length");
  ExpectParseRefused(
      RequestCommandSet(0x0020, UID_CTImageStorage) + Le16(0) + Le16(0x0900) + Le32(100) + "xx",
      "runs past its end");
  ExpectParseRefused(RequestCommandSet(0x0020, UID_CTImageStorage) + "abc",
                     "ends inside an element header");
  ExpectParseRefused("", "has no Command Field");
  ExpectParseRefused(
      CommandElement(0x0002, UID_CTImageStorage) + CommandElement(0x0100, Le16(0x0020)),
      "has no Command Data Set Type");
  // Two values: DCMTK reads the first, so no value but one is read at all.
  ExpectParseRefused(
      CommandElement(0x0100, Le16(0x0020) + Le16(0x0001)) + CommandElement(0x0800, Le16(0)),
      "(0000,0100) is not one US value");
}

}  // namespace
}  // namespace pixeldex::server

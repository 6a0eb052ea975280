// SignificantAeTitle: PS3.5 6.2 AE values as access control compares them.

#include "server/access/ae_title.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

TEST(AeTitleTest, LeadingAndTrailingSpacesAreNotSignificant) {
  EXPECT_EQ(SignificantAeTitle("GOOD"), "GOOD");
  EXPECT_EQ(SignificantAeTitle("  GOOD          "), "GOOD");
  EXPECT_EQ(SignificantAeTitle(" MY AE "), "MY AE");
}

TEST(AeTitleTest, TrailingNulPaddingIsPaddingButAnEmbeddedNulIsRefused) {
  EXPECT_EQ(SignificantAeTitle(std::string("GOOD\0\0\0 \0", 9)), "GOOD");
  EXPECT_EQ(SignificantAeTitle(std::string("GOOD\0EVIL", 9)), std::nullopt);
  EXPECT_EQ(SignificantAeTitle(std::string("\0GOOD", 5)), std::nullopt);
}

TEST(AeTitleTest, ControlCharactersBackslashAndNonAsciiAreRefused) {
  for (const char* bad : {"EVIL\nINFO", "EVIL\r", "A\tB", "ESC\x1b[2J", "DEL\x7f", "A\\B", "\xc3\x84RZT"}) {
    EXPECT_EQ(SignificantAeTitle(bad), std::nullopt) << bad;
  }
}

TEST(AeTitleTest, EmptyOrLongerThan16IsRefused) {
  EXPECT_EQ(SignificantAeTitle(""), std::nullopt);
  EXPECT_EQ(SignificantAeTitle("        "), std::nullopt);
  EXPECT_EQ(SignificantAeTitle("ABCDEFGHIJKLMNOP"), "ABCDEFGHIJKLMNOP");
  EXPECT_EQ(SignificantAeTitle("ABCDEFGHIJKLMNOPQ"), std::nullopt);
}

}  // namespace
}  // namespace pixeldex::server

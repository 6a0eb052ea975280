// Keyed pseudonyms: the same original and key always give the same value, a
// different key a different one; UIDs are valid 2.25 UIDs; dates shift by
// whole days across month, leap-year and year boundaries.

#include "catalog/deidentify/keyed_pseudonyms.h"

#include <gtest/gtest.h>

#include "catalog/deidentify/burned_in.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::deidentify {
namespace {

TEST(KeyedPseudonymsTest, UidsAreStablePerKeyAndValid) {
  const KeyedPseudonyms a("project-a"), a_again("project-a"), b("project-b");
  const std::string uid = "1.2.826.0.1.3680043.10.1234.1";
  EXPECT_EQ(a.Uid(uid), a_again.Uid(uid));
  EXPECT_NE(a.Uid(uid), b.Uid(uid));
  EXPECT_NE(a.Uid(uid), a.Uid(uid + "1"));
  for (const std::string& original : {uid, std::string("1.2.3"), std::string()}) {
    const std::string mapped = a.Uid(original);
    EXPECT_EQ(mapped.rfind("2.25.", 0), 0u) << mapped;
    EXPECT_TRUE(storage::IsValidDicomUid(mapped)) << mapped;
    EXPECT_LE(mapped.size(), 64u);
  }
}

TEST(KeyedPseudonymsTest, PatientIdsAndDateShiftsArePerPatient) {
  const KeyedPseudonyms a("project-a"), b("project-b");
  EXPECT_EQ(a.PatientId("PID-1"), KeyedPseudonyms("project-a").PatientId("PID-1"));
  EXPECT_NE(a.PatientId("PID-1"), a.PatientId("PID-2"));
  EXPECT_NE(a.PatientId("PID-1"), b.PatientId("PID-1"));
  EXPECT_EQ(a.PatientId("PID-1").size(), 25u);
  EXPECT_EQ(a.PatientId("PID-1").find("PID"), std::string::npos);
  for (const char* id : {"PID-1", "PID-2", ""}) {
    EXPECT_GE(a.DateShiftDays(id), 365);
    EXPECT_LT(a.DateShiftDays(id), 365 + 3650);
    EXPECT_EQ(a.DateShiftDays(id), KeyedPseudonyms("project-a").DateShiftDays(id));
  }
}

TEST(KeyedPseudonymsTest, DatesShiftByWholeDays) {
  EXPECT_EQ(ShiftDate("20240301", 1), "20240229");
  EXPECT_EQ(ShiftDate("20230301", 1), "20230228");
  EXPECT_EQ(ShiftDate("20240101", 366), "20221231");
  EXPECT_EQ(ShiftDate("20240115", 0), "20240115");
  EXPECT_EQ(ShiftDateTime("20240301101500.5+0100", 1), "20240229101500.5+0100");
  for (const char* bad : {"", "2024", "2024-03-01", "20241301", "20240230", "2024030a"}) {
    EXPECT_EQ(ShiftDate(bad, 1), "") << bad;
  }
  EXPECT_EQ(ShiftDateTime("2024", 1), "");
}

TEST(BurnedInTest, TheAttributeDecidesAndClassesOrModalitiesFillIn) {
  const std::string ct = "1.2.840.10008.5.1.4.1.1.2", sc = "1.2.840.10008.5.1.4.1.1.7";
  EXPECT_NE(BurnedInExclusion("YES", ct, "CT"), "");
  EXPECT_EQ(BurnedInExclusion("NO", sc, "US"), "");
  EXPECT_EQ(BurnedInExclusion("", ct, "CT"), "");
  EXPECT_NE(BurnedInExclusion("", sc, "CT"), "");
  EXPECT_NE(BurnedInExclusion("", "1.2.840.10008.5.1.4.1.1.6.1", "CT"), "");
  EXPECT_NE(BurnedInExclusion("", ct, "US"), "");
  EXPECT_NE(BurnedInExclusion("", ct, "OT"), "");
}

}  // namespace
}  // namespace pixeldex::deidentify

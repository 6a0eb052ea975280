// The Table E.1-1 data and the rule that resolves a row into an action:
// known rows of the standard read as the standard prints them, repeating
// groups match, and options override the basic profile only where they speak.

#include "catalog/deidentify/confidentiality_profile.h"

#include <gtest/gtest.h>

#include <string>

namespace pixeldex::deidentify {
namespace {

const ProfileRow& Row(uint16_t group, uint16_t element) {
  const ProfileRow* row = FindProfileRow(group, element);
  EXPECT_NE(row, nullptr) << std::hex << group << "," << element;
  static const ProfileRow kNone{};
  return row ? *row : kNone;
}

TEST(ConfidentialityProfileTest, TheTableIsSortedUniqueAndComplete) {
  const auto& rows = ProfileRows();
  EXPECT_EQ(rows.size(), 441u);  // Table E.1-1 (2020) without the private-attributes row
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LT(rows[i - 1].tag, rows[i].tag) << rows[i].keyword;
  }
  for (const ProfileRow& row : rows) {
    const std::string basic = row.basic;
    EXPECT_TRUE(basic == "X" || basic == "Z" || basic == "D" || basic == "U" || basic == "X/Z" ||
                basic == "X/D" || basic == "Z/D" || basic == "X/Z/D" || basic == "X/Z/U*")
        << row.keyword << " " << basic;
  }
}

TEST(ConfidentialityProfileTest, KnownRowsReadAsTheStandardPrintsThem) {
  struct Case {
    uint16_t group, element;
    const char* keyword;
    const char* basic;
  };
  for (const Case& c : std::initializer_list<Case>{
           {0x0010, 0x0010, "PatientName", "Z"},
           {0x0010, 0x0020, "PatientID", "Z"},
           {0x0010, 0x0030, "PatientBirthDate", "Z"},
           {0x0008, 0x0050, "AccessionNumber", "Z"},
           {0x0008, 0x0018, "SOPInstanceUID", "U"},
           {0x0020, 0x000D, "StudyInstanceUID", "U"},
           {0x0008, 0x1155, "ReferencedSOPInstanceUID", "U"},
           {0x0008, 0x1140, "ReferencedImageSequence", "X/Z/U*"},
           {0x0008, 0x0080, "InstitutionName", "X/Z/D"},
           {0x0008, 0x1030, "StudyDescription", "X"},
           {0x0010, 0x1000, "OtherPatientIDs", "X"},
           {0xFFFA, 0xFFFA, "DigitalSignaturesSequence", "X"}}) {
    const ProfileRow& row = Row(c.group, c.element);
    EXPECT_STREQ(row.keyword, c.keyword);
    EXPECT_STREQ(row.basic, c.basic) << c.keyword;
  }
  EXPECT_STREQ(Row(0x0008, 0x0020).retain_long_modified_dates, "C");  // Study Date
  EXPECT_STREQ(Row(0x0018, 0x1000).retain_device_identity, "K");      // Device Serial Number
  EXPECT_STREQ(Row(0x0010, 0x1010).retain_patient_characteristics, "K");  // Patient's Age
  EXPECT_STREQ(Row(0x0008, 0x103E).clean_descriptors, "C");           // Series Description
}

TEST(ConfidentialityProfileTest, RepeatingGroupsMatchAndOthersDoNot) {
  EXPECT_STREQ(Row(0x6002, 0x4000).keyword, "OverlayComments");
  EXPECT_STREQ(Row(0x601E, 0x3000).keyword, "OverlayData");
  EXPECT_STREQ(Row(0x5004, 0x1234).keyword, "CurveData");
  EXPECT_EQ(FindProfileRow(0x0028, 0x0010), nullptr);  // Rows: not identifying
  EXPECT_EQ(FindProfileRow(0x7FE0, 0x0010), nullptr);  // Pixel Data: never touched
  EXPECT_EQ(FindProfileRow(0x6002, 0x0010), nullptr);  // Overlay Rows
}

TEST(ConfidentialityProfileTest, ActionsResolveWithAndWithoutOptions) {
  const ProfileOptions none;
  ProfileOptions dates;
  dates.retain_long_modified_dates = true;
  ProfileOptions device;
  device.retain_device_identity = true;
  ProfileOptions patient;
  patient.retain_patient_characteristics = true;
  ProfileOptions clean;
  clean.clean_descriptors = true;
  ProfileOptions clean_and_patient = clean;
  clean_and_patient.retain_patient_characteristics = true;
  struct Case {
    uint16_t group, element;
    const ProfileOptions& options;
    const char* vr;
    Action expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {0x0010, 0x0010, none, "PN", Action::kEmpty},        // Z
           {0x0008, 0x1030, none, "LO", Action::kRemove},       // X
           {0x0008, 0x0018, none, "UI", Action::kReplaceUid},   // U
           {0x0008, 0x0080, none, "LO", Action::kDummy},        // X/Z/D -> D
           {0x0008, 0x1140, none, "SQ", Action::kCleanItems},   // X/Z/U* -> cleaned
           {0x0008, 0x0020, none, "DA", Action::kEmpty},        // Study Date: Z
           {0x0008, 0x0020, dates, "DA", Action::kShiftDate},   // ... Modified Dates: C
           {0x0008, 0x0030, dates, "TM", Action::kKeep},        // Study Time: whole days
           {0x0008, 0x002A, dates, "DT", Action::kShiftDate},   // Acquisition DateTime
           {0x0018, 0x1000, none, "LO", Action::kDummy},        // Device Serial Number X/Z/D
           {0x0018, 0x1000, device, "LO", Action::kKeep},       // ... Retain Device Identity
           {0x0018, 0x1000, dates, "LO", Action::kDummy},       // another option: no effect
           {0x0010, 0x0040, patient, "CS", Action::kKeep},      // Patient's Sex
           {0x0010, 0x2110, patient, "LO", Action::kRemove},    // Allergies: C we cannot do
           {0x0008, 0x1030, clean, "LO", Action::kCleanText},   // Study Description: C
           {0x0020, 0x4000, clean, "LT", Action::kCleanText},   // Image Comments: C
           {0x0040, 0x0275, clean, "SQ", Action::kCleanItems},  // Request Attributes Seq.
           {0x0010, 0x2110, clean_and_patient, "LO", Action::kCleanText},  // Allergies
           {0x0008, 0x0080, clean, "LO", Action::kDummy},                  // Institution: not C
           {0x0040, 0xA730, none, "SQ", Action::kCleanItems},              // Content Sequence: D
           {0x0008, 0x1110, none, "SQ", Action::kRemove},     // Ref. Study Seq. X/Z: Type 3
           {0x0040, 0x0555, none, "SQ", Action::kEmpty},      // Acq. Context Seq. X/Z: Type 2
           {0x0010, 0x1002, none, "SQ", Action::kRemove}}) {  // Other Patient IDs Seq.
    const ProfileRow* row = FindProfileRow(c.group, c.element);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(ResolveAction(*row, c.options, c.vr), c.expected) << row->keyword;
  }
}

}  // namespace
}  // namespace pixeldex::deidentify

// DescriptorCleaner (PS3.15 E.3.5 Clean Descriptors): the terms gathered
// from a data set (names by component, IDs, dates in their written forms,
// at any depth) and their removal from free text: whole words only, any
// ASCII case, the longest term first, substrings of other words untouched.

#include "catalog/deidentify/descriptor_cleaner.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace pixeldex::deidentify {
namespace {

bool Has(const std::vector<std::string>& terms, const std::string& term) {
  return std::find(terms.begin(), terms.end(), term) != terms.end();
}

TEST(DescriptorCleanerTest, PersonNameTermsAreComponentsGroupsAndOrders) {
  const auto terms = PersonNameTerms("Van Dyke^Jane Mary^Ann^Dr^PhD=ヤマダ^タロウ");
  for (const char* term :
       {"Van Dyke^Jane Mary^Ann^Dr^PhD=ヤマダ^タロウ", "Van Dyke^Jane Mary^Ann^Dr^PhD", "Van Dyke",
        "Van", "Dyke", "Jane Mary", "Jane", "Mary", "Ann", "Jane Mary Van Dyke",
        "Van Dyke Jane Mary", "Van Dyke, Jane Mary", "ヤマダ", "タロウ"}) {
    EXPECT_TRUE(Has(terms, term)) << term;
  }
  EXPECT_FALSE(Has(terms, "Dr"));   // prefix: not identifying
  EXPECT_FALSE(Has(terms, "PhD"));  // suffix
}

TEST(DescriptorCleanerTest, DatesInTheirWrittenForms) {
  const auto terms = DateTerms("19700131");
  for (const char* term : {"19700131", "1970-01-31", "1970/01/31", "1970.01.31", "31.01.1970",
                           "31/01/1970", "31-01-1970", "01/31/1970"}) {
    EXPECT_TRUE(Has(terms, term)) << term;
  }
  EXPECT_TRUE(DateTerms("1970013").empty());
  EXPECT_TRUE(DateTerms("1970013X").empty());
}

TEST(DescriptorCleanerTest, RemovesWholeWordsInAnyCase) {
  const DescriptorCleaner cleaner(PersonNameTerms("Doe^John"));
  EXPECT_EQ(cleaner.Clean("CT head for JOHN doe, follow-up"), "CT head for , follow-up");
  EXPECT_EQ(cleaner.Clean("doe^john chest"), "chest");
  EXPECT_EQ(cleaner.Clean("Patient Doe, John: knee"), "Patient : knee");
  EXPECT_EQ(cleaner.Clean("unchanged  text  "), "unchanged  text  ");  // nothing removed
}

TEST(DescriptorCleanerTest, SubstringsOfOtherWordsAreNotTouched) {
  std::vector<std::string> terms = PersonNameTerms("Li^Al");
  terms.push_back("123");
  const DescriptorCleaner cleaner(terms);
  EXPECT_EQ(cleaner.Clean("Liver and Alveolar, 1234 slices, LI AL"),
            "Liver and Alveolar, 1234 slices,");
  EXPECT_EQ(cleaner.Clean("id 123/4"), "id /4");
  EXPECT_EQ(cleaner.Clean("Alì"), "Alì");  // a non-ASCII letter continues the word
}

TEST(DescriptorCleanerTest, ShortTermsAreIgnoredAndLongestWins) {
  const DescriptorCleaner cleaner({"J", "", "Smith", "Smith Hospital"});
  EXPECT_EQ(cleaner.Clean("J smith hospital x-ray"), "J x-ray");
}

TEST(DescriptorCleanerTest, IdentifyingTermsComeFromTheWholeDataSet) {
  DcmDataset data;
  data.putAndInsertString(DCM_PatientName, "Doe^Jane");
  data.putAndInsertString(DCM_PatientID, "PID-9");
  data.putAndInsertString(DCM_PatientBirthDate, "19700131");
  data.putAndInsertString(DCM_AccessionNumber, "ACC42");
  data.putAndInsertString(DCM_InstitutionName, "St Elsewhere");
  data.putAndInsertString(DCM_StudyDescription, "Head");  // a descriptor, not a term
  DcmItem* item = nullptr;
  data.findOrCreateSequenceItem(DCM_RequestAttributesSequence, item, -2);
  item->putAndInsertString(DCM_ScheduledPerformingPhysicianName, "House^Greg");
  item->putAndInsertString(DCM_AccessionNumber, "ACC43");
  data.putAndInsertString(DCM_AcquisitionDateTime, "20240301101500");
  const auto terms = IdentifyingTerms(data);
  for (const char* term : {"Doe^Jane", "Jane", "PID-9", "19700131", "31.01.1970", "ACC42",
                           "St Elsewhere", "House", "Greg", "ACC43", "2024-03-01"}) {
    EXPECT_TRUE(Has(terms, term)) << term;
  }
  EXPECT_FALSE(Has(terms, "Head"));
  const DescriptorCleaner cleaner(terms);
  EXPECT_EQ(cleaner.Clean("jane DOE born 31.01.1970 (acc42) at ST ELSEWHERE, dr house: Head CT"),
            "born () at , dr : Head CT");
}

}  // namespace
}  // namespace pixeldex::deidentify

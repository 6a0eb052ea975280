// Deidentifier on in-memory data sets: table actions at the top level and
// inside sequences at any depth, private attributes gone, UIDs consistent,
// Pixel Data untouched, and the Annex E marks set.

#include "catalog/deidentify/deidentifier.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/dicom_factory.h"

namespace pixeldex::deidentify {
namespace {

using pixeldex::testing::DicomString;

class DeidentifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.putAndInsertString(DCM_SOPInstanceUID, "1.2.3.100");
    data_.putAndInsertString(DCM_StudyInstanceUID, "1.2.3.1");
    data_.putAndInsertString(DCM_PatientID, "PID-9");
    data_.putAndInsertString(DCM_PatientName, "Doe^Jane");
    data_.putAndInsertString(DCM_StudyDate, "20240301");
    data_.putAndInsertString(DCM_StudyDescription, "Head");
    data_.putAndInsertString(DCM_InstitutionName, "General");
    data_.putAndInsertString(DCM_Modality, "CT");
    data_.putAndInsertString(DcmTag(0x0009, 0x0010, EVR_LO), "ACME");
    data_.putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "secret");
    DcmItem* reference = nullptr;
    data_.findOrCreateSequenceItem(DCM_ReferencedImageSequence, reference, -2);
    reference->putAndInsertString(DCM_ReferencedSOPInstanceUID, "1.2.3.99");
    DcmItem* deep = nullptr;
    // Two levels down, in a sequence the table does not list.
    reference->findOrCreateSequenceItem(DCM_AnatomicRegionSequence, deep, -2);
    deep->putAndInsertString(DCM_PatientName, "Nested^Name");
    deep->putAndInsertString(DcmTag(0x0011, 0x0010, EVR_LO), "ACME");
    const Uint16 pixels[4] = {1, 2, 3, 65535};
    data_.putAndInsertUint16Array(DCM_PixelData, pixels, 4);
  }
  DcmDataset data_;
  KeyedPseudonyms keys_{"key"};
};

TEST_F(DeidentifierTest, BasicProfileAtEveryDepth) {
  Deidentifier(keys_, {}).Apply(data_);
  EXPECT_EQ(DicomString(data_, DCM_SOPInstanceUID), keys_.Uid("1.2.3.100"));
  EXPECT_EQ(DicomString(data_, DCM_StudyInstanceUID), keys_.Uid("1.2.3.1"));
  EXPECT_EQ(DicomString(data_, DCM_PatientID), keys_.PatientId("PID-9"));
  EXPECT_EQ(DicomString(data_, DCM_PatientName), keys_.PatientId("PID-9"));
  EXPECT_TRUE(data_.tagExists(DCM_StudyDate));
  EXPECT_EQ(DicomString(data_, DCM_StudyDate), "");
  EXPECT_FALSE(data_.tagExists(DCM_StudyDescription));
  EXPECT_EQ(DicomString(data_, DCM_InstitutionName), "ANONYMIZED");
  EXPECT_EQ(DicomString(data_, DCM_Modality), "CT");
  EXPECT_FALSE(data_.tagExists(DcmTagKey(0x0009, 0x0010)));
  EXPECT_FALSE(data_.tagExists(DcmTagKey(0x0009, 0x1001)));
  DcmItem* reference = nullptr;
  ASSERT_TRUE(data_.findAndGetSequenceItem(DCM_ReferencedImageSequence, reference).good());
  EXPECT_EQ(DicomString(*reference, DCM_ReferencedSOPInstanceUID), keys_.Uid("1.2.3.99"));
  DcmItem* deep = nullptr;
  ASSERT_TRUE(reference->findAndGetSequenceItem(DCM_AnatomicRegionSequence, deep).good());
  EXPECT_EQ(DicomString(*deep, DCM_PatientName), "");
  EXPECT_FALSE(deep->tagExists(DcmTagKey(0x0011, 0x0010)));
  const Uint16* pixels = nullptr;
  ASSERT_TRUE(data_.findAndGetUint16Array(DCM_PixelData, pixels).good());
  EXPECT_EQ(pixels[3], 65535);
  EXPECT_EQ(DicomString(data_, DCM_PatientIdentityRemoved), "YES");
  EXPECT_EQ(DicomString(data_, DCM_LongitudinalTemporalInformationModified), "REMOVED");
  DcmItem* code = nullptr;
  ASSERT_TRUE(data_.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, 0).good());
  EXPECT_EQ(DicomString(*code, DCM_CodeValue), "113100");
  EXPECT_EQ(DicomString(*code, DCM_CodingSchemeDesignator), "DCM");
}

TEST_F(DeidentifierTest, OptionsKeepAndShiftAndAreDeclared) {
  ProfileOptions options;
  options.retain_long_modified_dates = true;
  options.retain_device_identity = true;
  data_.putAndInsertString(DCM_DeviceSerialNumber, "SN-1");
  data_.putAndInsertString(DCM_StudyTime, "101500");
  Deidentifier(keys_, options).Apply(data_);
  EXPECT_EQ(DicomString(data_, DCM_StudyDate), ShiftDate("20240301", keys_.DateShiftDays("PID-9")));
  EXPECT_NE(DicomString(data_, DCM_StudyDate), "20240301");
  EXPECT_EQ(DicomString(data_, DCM_StudyTime), "101500");
  EXPECT_EQ(DicomString(data_, DCM_DeviceSerialNumber), "SN-1");
  EXPECT_EQ(DicomString(data_, DCM_LongitudinalTemporalInformationModified), "MODIFIED");
  std::vector<std::string> codes;
  DcmItem* code = nullptr;
  for (int i = 0; data_.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, i).good();
       ++i) {
    codes.push_back(DicomString(*code, DCM_CodeValue));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"113100", "113107", "113109"}));
}

TEST_F(DeidentifierTest, CleanDescriptorsKeepsDescriptionsWithoutIdentifyingValues) {
  ProfileOptions options;
  options.clean_descriptors = true;
  data_.putAndInsertString(DCM_StudyDescription, "Head CT of JANE DOE 2024-03-01");
  data_.putAndInsertString(DCM_ImageComments, "pid-9 Liver");
  data_.putAndInsertString(DCM_RTPlanLabel, "Doe");           // D: emptied, a dummy
  data_.putAndInsertString(DCM_PatientComments, "Doe^Jane");  // X: emptied, kept empty
  DcmItem* request = nullptr;
  data_.findOrCreateSequenceItem(DCM_RequestAttributesSequence, request, -2);
  request->putAndInsertString(DCM_ScheduledProcedureStepDescription, "Jane's knee");
  request->putAndInsertString(DCM_AccessionNumber, "A1");
  Deidentifier(keys_, options).Apply(data_);
  EXPECT_EQ(DicomString(data_, DCM_StudyDescription), "Head CT of");
  EXPECT_EQ(DicomString(data_, DCM_ImageComments), "Liver");
  EXPECT_EQ(DicomString(data_, DCM_RTPlanLabel), "ANONYMIZED");
  EXPECT_TRUE(data_.tagExists(DCM_PatientComments));
  EXPECT_EQ(DicomString(data_, DCM_PatientComments), "");
  EXPECT_EQ(DicomString(data_, DCM_InstitutionName), "ANONYMIZED");  // not a descriptor
  ASSERT_TRUE(data_.findAndGetSequenceItem(DCM_RequestAttributesSequence, request).good());
  EXPECT_EQ(DicomString(*request, DCM_ScheduledProcedureStepDescription), "'s knee");
  EXPECT_EQ(DicomString(*request, DCM_AccessionNumber), "");  // Z inside the kept sequence
  EXPECT_NE(DicomString(data_, DCM_DeidentificationMethod).find("Clean Descriptors Option"),
            std::string::npos);
  DcmItem* code = nullptr;
  ASSERT_TRUE(data_.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, 1).good());
  EXPECT_EQ(DicomString(*code, DCM_CodeValue), "113105");
  EXPECT_EQ(DicomString(*code, DCM_CodeMeaning), "Clean Descriptors Option");
}

}  // namespace
}  // namespace pixeldex::deidentify

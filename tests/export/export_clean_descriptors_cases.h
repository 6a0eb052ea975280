#pragma once
// `pixeldex export --deidentify --clean-descriptors` (PS3.15 E.3.5), the real
// binary, output read back with DCMTK: the descriptors of Table E.1-1's
// Clean Descriptors column are kept with the instance's names, IDs, accession
// number, institution and dates taken out (any case, whole words only, also
// inside a kept sequence), other text stays as written, the method code
// 113105 is declared; without the option the same descriptors are removed.
//
// The cases run on either index (ArchiveTest): export_clean_descriptors_e2e_test.cpp instantiates
// them on SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <string>

#include "catalog/deidentify/keyed_pseudonyms.h"
#include "tests/export/export_archive.h"

namespace pixeldex::testing {
namespace {

class CleanDescriptorsTest : public ArchiveTest {
 protected:
  void SetUp() override {
    TestInstance ct;
    ct.patient_id = "MRN-4711";
    ct.patient_name = "Schmidt^Anna^Maria";
    ct.birth_date = "19650412";
    ct.accession_number = "ACC-88";
    ct.study_description = "CT Thorax SCHMIDT anna 12.04.1965";
    ct.series_description = "Axial MRN-4711 lung";
    Import({ct}, [](size_t, const std::string& path) {
      DcmFileFormat file;
      ASSERT_TRUE(file.loadFile(path.c_str()).good());
      DcmDataset& data = *file.getDataset();
      data.putAndInsertString(DCM_InstitutionName, "Klinikum Nord");
      data.putAndInsertString(DCM_ReferringPhysicianName, "Weber^Hans");
      data.putAndInsertString(DCM_ImageComments,
                              "Dr. Weber: Annapolis protocol, acc-88, Klinikum NORD");
      DcmItem* request = nullptr;
      data.findOrCreateSequenceItem(DCM_RequestAttributesSequence, request, -2);
      request->putAndInsertString(DCM_RequestedProcedureDescription, "Anna Schmidt chest");
      ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    });
  }

  DcmFileFormat Export(const std::string& out, const std::vector<std::string>& options) {
    std::vector<std::string> args = {"--where",      "true",          "--out", out,
                                     "--deidentify", "--project-key", "k"};
    args.insert(args.end(), options.begin(), options.end());
    const auto result = archive_.Export(args);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const deidentify::KeyedPseudonyms keys("k");
    const TestInstance& ct = instances_[0];
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile((out + "/" + keys.Uid(ct.study_uid) + "/" + keys.Uid(ct.series_uid) +
                               "/" + keys.Uid(ct.sop_instance_uid) + ".dcm")
                                  .c_str())
                    .good());
    return file;
  }
};

TEST_P(CleanDescriptorsTest, DescriptorsAreKeptWithoutTheInstancesIdentifyingValues) {
  DcmFileFormat file = Export(archive_.Path("out"), {"--clean-descriptors"});
  DcmDataset& data = *file.getDataset();
  EXPECT_EQ(DicomString(data, DCM_StudyDescription), "CT Thorax");
  EXPECT_EQ(DicomString(data, DCM_SeriesDescription), "Axial lung");
  // "Annapolis" holds the given name and stays; "Dr." is not a name.
  EXPECT_EQ(DicomString(data, DCM_ImageComments), "Dr. : Annapolis protocol, ,");
  DcmItem* request = nullptr;
  ASSERT_TRUE(data.findAndGetSequenceItem(DCM_RequestAttributesSequence, request).good());
  EXPECT_EQ(DicomString(*request, DCM_RequestedProcedureDescription), "chest");
  EXPECT_EQ(DicomString(data, DCM_InstitutionName), "ANONYMIZED");  // its own action, not cleaned
  EXPECT_NE(DicomString(data, DCM_DeidentificationMethod).find("Clean Descriptors Option"),
            std::string::npos);
  bool declared = false;
  DcmItem* code = nullptr;
  for (int i = 0;
       data.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, i).good(); ++i) {
    declared |= DicomString(*code, DCM_CodeValue) == "113105" &&
                DicomString(*code, DCM_CodingSchemeDesignator) == "DCM";
  }
  EXPECT_TRUE(declared) << "113105 Clean Descriptors Option not in (0012,0064)";
}

TEST_P(CleanDescriptorsTest, WithoutTheOptionDescriptorsAreRemoved) {
  DcmFileFormat file = Export(archive_.Path("out"), {});
  DcmDataset& data = *file.getDataset();
  for (const DcmTagKey& tag : {DCM_StudyDescription, DCM_SeriesDescription, DCM_ImageComments,
                               DCM_RequestAttributesSequence}) {
    EXPECT_FALSE(data.tagExists(tag)) << DcmTag(tag).getTagName();
  }
  EXPECT_EQ(DicomString(data, DCM_DeidentificationMethod).find("Clean Descriptors"),
            std::string::npos);
}

}  // namespace
}  // namespace pixeldex::testing

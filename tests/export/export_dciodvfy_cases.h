#pragma once
// `pixeldex export` with and without --deidentify (and its options),
// validated by dicom3tools' dciodvfy, the checker issue 19 names: instances
// of several storage classes made by dicom_factory (not complete IODs, so
// the originals have errors of their own) are exported, and every error line
// dciodvfy reports for an exported file must already be reported for its
// original. De-identification must never make an instance less valid (a
// Type 1 attribute removed instead of given a dummy, a replaced value of the
// wrong VR or form, a broken sequence...).
//
// The cases run on either index (ArchiveTest): export_dciodvfy_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "catalog/deidentify/keyed_pseudonyms.h"
#include "tests/export/export_archive.h"

namespace pixeldex::testing {
namespace {

// dciodvfy's error lines for `path`, normalised: the value a line quotes
// ("= <AXIAL>") taken out, so that an error about a value the export
// replaced is still the same error.
std::set<std::string> DciodvfyErrors(const std::string& path) {
  const ProcessResult result = RunProcess({"dciodvfy", "-new", path});
  EXPECT_TRUE(result.exit_code != -1 && result.exit_code != 127)
      << "dciodvfy did not run (scripts/install-deps.sh installs dicom3tools): " << result.output;
  std::set<std::string> errors;
  std::istringstream lines(result.output);
  static const std::regex kValue("= <[^>]*>");
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Error", 0) == 0) errors.insert(std::regex_replace(line, kValue, "= <value>"));
  }
  return errors;
}

// A storage class with the modality it goes with.
struct StorageClass {
  const char* sop_class_uid;
  const char* modality;
};
constexpr StorageClass kClasses[] = {
    {"1.2.840.10008.5.1.4.1.1.2", "CT"},    // CT Image
    {"1.2.840.10008.5.1.4.1.1.4", "MR"},    // MR Image
    {"1.2.840.10008.5.1.4.1.1.1", "CR"},    // Computed Radiography Image
    {"1.2.840.10008.5.1.4.1.1.7", "OT"},    // Secondary Capture Image
    {"1.2.840.10008.5.1.4.1.1.6.1", "US"},  // Ultrasound Image
    {"1.2.840.10008.5.1.4.1.1.1.1", "DX"},  // Digital X-Ray Image (for presentation)
};

class DciodvfyTest : public ArchiveTest {
 protected:
  void SetUp() override {
    std::vector<TestInstance> instances;
    const std::string root = "1.2.826.0.1.3680043.10.1234.501";
    for (size_t i = 0; i < std::size(kClasses); ++i) {
      TestInstance instance;
      instance.sop_class_uid = kClasses[i].sop_class_uid;
      instance.modality = kClasses[i].modality;
      instance.study_uid = root;
      instance.series_uid = root + "." + std::to_string(i + 1);
      instance.sop_instance_uid = instance.series_uid + ".1";
      instance.series_number = static_cast<int>(i + 1);
      instances.push_back(instance);
    }
    Import(instances, [](size_t, const std::string& path) { AddCommonAttributes(path); });
  }

  // What real instances carry and Table E.1-1 acts on.
  static void AddCommonAttributes(const std::string& path) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(path.c_str()).good());
    DcmDataset& data = *file.getDataset();
    for (const auto& [tag, value] : std::initializer_list<std::pair<DcmTagKey, const char*>>{
             {DCM_SeriesDate, "20260115"},
             {DCM_SeriesTime, "101600"},
             {DCM_ContentDate, "20260115"},
             {DCM_ContentTime, "101700"},
             {DCM_AcquisitionDate, "20260115"},
             {DCM_AcquisitionTime, "101650"},
             {DCM_InstanceCreationDate, "20260115"},
             {DCM_InstitutionName, "St Elsewhere"},
             {DCM_StationName, "CT01"},
             {DCM_OperatorsName, "Op^Erator"},
             {DCM_PerformingPhysicianName, "Per^Former"},
             {DCM_DeviceSerialNumber, "SN-1"},
             {DCM_PatientAge, "056Y"},
             {DCM_PatientWeight, "70"},
             {DCM_ProtocolName, "Chest Doe^John"},
             {DCM_ImageComments, "John Doe chest"},
             {DCM_FrameOfReferenceUID, "1.2.826.0.1.3680043.10.1234.501.9"},
             {DCM_PositionReferenceIndicator, ""},
             {DCM_PatientOrientation, "A\\F"},
             {DCM_Laterality, ""},
             {DCM_ContrastBolusAgent, "Iodine"},
         }) {
      ASSERT_TRUE(data.putAndInsertString(tag, value).good()) << DcmTag(tag).getTagName();
    }
    DcmItem* study = nullptr;
    data.findOrCreateSequenceItem(DCM_ReferencedStudySequence, study, -2);
    study->putAndInsertString(DCM_ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1");
    study->putAndInsertString(DCM_ReferencedSOPInstanceUID, "1.2.826.0.1.3680043.10.1234.501.8");
    DcmItem* context = nullptr;  // Type 2 (PS3.3 C.7.6.14): emptied, not removed
    data.findOrCreateSequenceItem(DCM_AcquisitionContextSequence, context, -2);
    context->putAndInsertString(DCM_ValueType, "TEXT");
    context->putAndInsertString(DCM_TextValue, "Doe");
    DcmItem* request = nullptr;
    data.findOrCreateSequenceItem(DCM_RequestAttributesSequence, request, -2);
    request->putAndInsertString(DCM_RequestedProcedureID, "RP-1");
    request->putAndInsertString(DCM_ScheduledProcedureStepID, "SPS-1");
    request->putAndInsertString(DCM_ScheduledProcedureStepDescription, "Chest for Doe");
    ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  }

  // Exports everything with `options` and checks each output against its
  // original.
  void ExportAndCompare(const std::vector<std::string>& options, bool deidentified) {
    const std::string out = archive_.Path("out" + std::to_string(++runs_));
    std::vector<std::string> args = {"--where", "true", "--out", out};
    args.insert(args.end(), options.begin(), options.end());
    const ProcessResult result = archive_.Export(args);
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const deidentify::KeyedPseudonyms keys("k");
    for (size_t i = 0; i < instances_.size(); ++i) {
      const TestInstance& t = instances_[i];
      auto name = [&](const std::string& uid) { return deidentified ? keys.Uid(uid) : uid; };
      const std::string exported = out + "/" + name(t.study_uid) + "/" + name(t.series_uid) + "/" +
                                   name(t.sop_instance_uid) + ".dcm";
      const std::set<std::string> before = DciodvfyErrors(archive_.SourceFile(i));
      const std::set<std::string> after = DciodvfyErrors(exported);
      // The generated instances are not complete IODs: no error at all means
      // dciodvfy's output was not read.
      EXPECT_FALSE(before.empty()) << "no dciodvfy error read for " << archive_.SourceFile(i);
      std::string added;
      for (const std::string& error : after) {
        if (!before.count(error)) added += "\n  " + error;
      }
      EXPECT_TRUE(added.empty()) << t.modality << " " << t.sop_class_uid << " exported with "
                                 << ::testing::PrintToString(options)
                                 << " has errors its original has not:" << added;
      checked_ += 1;
    }
  }

  int runs_ = 0;
  int checked_ = 0;
};

TEST_P(DciodvfyTest, ExportAndDeidentificationAddNoErrors) {
  ExportAndCompare({}, false);
  ExportAndCompare({"--deidentify", "--project-key", "k", "--include-burned-in"}, true);
  ExportAndCompare(
      {"--deidentify", "--project-key", "k", "--include-burned-in", "--retain-dates-modified",
       "--retain-patient-characteristics", "--retain-device-identity", "--clean-descriptors"},
      true);
  EXPECT_EQ(checked_, static_cast<int>(3 * std::size(kClasses)));
}

}  // namespace
}  // namespace pixeldex::testing

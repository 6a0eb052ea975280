#pragma once
// `pixeldex export --to AET=HOST:PORT`, the real binary against DCMTK's
// storescp: the selected instances arrive (their data sets as stored, or
// de-identified), an instance the receiver cannot take (a SOP class it does
// not accept) fails alone, listed, with exit status 1, and an AE that does
// not listen fails every instance.
//
// The cases run on either index (ArchiveTest): export_to_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/export/export_archive.h"
#include "tests/support/store_scp.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUnknownClass = "1.2.826.0.1.3680043.10.1234.77";  // storescp refuses it

class ExportToTest : public ArchiveTest {
 protected:
  void SetUp() override {
    std::vector<TestInstance> instances =
        TwoCtsAndAnMr("PID-TO", "1.2.826.0.1.3680043.10.1234.931");
    TestInstance odd = instances[0];
    odd.sop_class_uid = kUnknownClass;
    odd.series_uid = "1.2.826.0.1.3680043.10.1234.931.3";
    odd.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.931.3.1";
    instances.push_back(odd);
    Import(std::move(instances));
    received_ = archive_.Path("received");
    fs::create_directories(received_);
    StoreScp::Options options;
    options.output_dir = received_;
    options.log_file = archive_.Path("storescp.log");
    scp_ = StoreScp::Start(options);
  }
  std::string To() const { return "DEST=127.0.0.1:" + std::to_string(scp_->port()); }

  std::string received_;
  std::unique_ptr<StoreScp> scp_;
};

// The Pixel Data bytes of the file at `path`.
std::string PixelData(const std::string& path) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good()) << path;
  const Uint8* bytes = nullptr;
  unsigned long count = 0;
  file.getDataset()->findAndGetUint8Array(DCM_PixelData, bytes, &count);
  return bytes == nullptr ? "" : std::string(reinterpret_cast<const char*>(bytes), count);
}

TEST_P(ExportToTest, TheSelectionArrivesAndAnInstanceTheReceiverRefusesFailsAlone) {
  auto result = archive_.Export({"--where", "true", "--to", To()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto received = InstancesIn(received_);
  ASSERT_EQ(received.size(), 3u) << result.output << scp_->Log();
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(received.count(instances_[i].sop_instance_uid), 1u) << result.output;
    EXPECT_EQ(PixelData(received.at(instances_[i].sop_instance_uid)),
              PixelData(archive_.SourceFile(i)));
  }
  EXPECT_NE(result.output.find("failed " + instances_[3].sop_instance_uid), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("1 failed"), std::string::npos) << result.output;
  EXPECT_TRUE(archive_.Export({"--where", "modality = 'MR'", "--to", To()}).exit_code == 0);
}

TEST_P(ExportToTest, DeidentifiedInstancesArriveUnderTheirPseudonyms) {
  auto result = archive_.Export(
      {"--where", "modality = 'CT' AND sop_class_uid <> '" + std::string(kUnknownClass) + "'",
       "--to", To(), "--deidentify", "--project-key", "k"});
  ASSERT_EQ(result.exit_code, 0) << result.output << scp_->Log();
  const auto received = InstancesIn(received_);
  ASSERT_EQ(received.size(), 2u);
  for (const auto& [uid, file] : received) {
    EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << uid;
    DcmFileFormat dicom;
    ASSERT_TRUE(dicom.loadFile(file.c_str()).good());
    OFString patient_id;
    dicom.getDataset()->findAndGetOFString(DCM_PatientID, patient_id);
    EXPECT_EQ(std::string(patient_id.c_str()).rfind("ANON-", 0), 0u) << patient_id;
  }
}

TEST_P(ExportToTest, AnAeThatDoesNotListenFailsEveryInstance) {
  auto result = archive_.Export(
      {"--where", "modality = 'MR'", "--to", "NOBODY=127.0.0.1:" + std::to_string(FreeTcpPort())});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("1 failed"), std::string::npos) << result.output;
  EXPECT_EQ(archive_.Export({"--where", "true", "--to", "no-port"}).exit_code, 2);
}

}  // namespace
}  // namespace pixeldex::testing

// End-to-end: C-ECHO and C-STORE against the real binary with DCMTK clients.

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dimse.h>

#include <filesystem>

#include "catalog/storage/sha256.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"
#include "tests/support/tcp_segments.h"

namespace pixeldex::testing {
namespace {

using StoreE2eTest = ServerTest;

TEST_F(StoreE2eTest, EchoSucceeds) {
  auto r = RunProcess({"echoscu", "-aet", "MODALITY", "-aec", "PIXELDEX", "127.0.0.1",
                       server_->port_string()},
                      FastClientEnv());
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// A C-STORE response leaves the server in one write (HeldWrites): one TCP
// segment, where DCMTK's two writes (the PDU and PDV headers, then the
// command set) made two with TCP_NODELAY, each waking the sender.
TEST_F(StoreE2eTest, AStoreResponseArrivesInOneSegment) {
  RawStoreClient client(server_->port(), UID_CTImageStorage);
  ASSERT_TRUE(client.connected());
  const int fd = AssociationSocket(client.association());
  for (int store = 0; store < 3; ++store) {
    TestInstance t;
    t.sop_instance_uid = UniqueUid("3.");
    const std::string dataset =
        DatasetBytes(MakeInstance(t, "one-segment" + std::to_string(store) + ".dcm"));
    const long before = DataSegmentsReceived(fd);
    ASSERT_GE(before, 0) << "the kernel does not count data segments (TCP_INFO)";
    ASSERT_TRUE(client.SendCommand(t.sop_instance_uid));
    ASSERT_TRUE(client.SendData(dataset, true));
    ASSERT_EQ(client.ReceiveStatus(30), 0) << server_->Log();
    EXPECT_EQ(DataSegmentsReceived(fd) - before, 1) << "store " << store;
  }
}

TEST_F(StoreE2eTest, AnEchoResponseArrivesInOneSegment) {
  RawStoreClient client(server_->port(), {{UID_VerificationSOPClass}}, "RAWSENDER");
  ASSERT_TRUE(client.connected());
  const int fd = AssociationSocket(client.association());
  for (DIC_US id = 1; id <= 3; ++id) {
    const long before = DataSegmentsReceived(fd);
    ASSERT_GE(before, 0) << "the kernel does not count data segments (TCP_INFO)";
    DIC_US status = 0xFFFF;
    DcmDataset* detail = nullptr;
    ASSERT_TRUE(
        DIMSE_echoUser(client.association(), id, DIMSE_BLOCKING, 0, &status, &detail).good());
    delete detail;
    EXPECT_EQ(status, STATUS_Success);
    EXPECT_EQ(DataSegmentsReceived(fd) - before, 1) << "echo " << id;
  }
}

TEST_F(StoreE2eTest, StoredFileKeepsTheSentBytesInThePredictableLayout) {
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  t.sop_instance_uid = UniqueUid("3.");
  const std::string sent = MakeInstance(t, "one.dcm");

  auto r = StoreScu({sent});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();

  const std::string relative = t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm";
  ASSERT_TRUE(std::filesystem::exists(StoragePath(relative))) << server_->Log();
  EXPECT_EQ(DatasetBytes(StoragePath(relative)), DatasetBytes(sent));
  // Nothing left behind in the incoming directory.
  EXPECT_TRUE(std::filesystem::is_empty(StoragePath(".incoming")));
}

// The SHA-256 recorded must be the stored file's, for a data set that spans
// many PDUs too.
TEST_F(StoreE2eTest, RecordedHashIsTheStoredFilesHash) {
  TestInstance small;
  small.sop_instance_uid = UniqueUid("3.");
  TestInstance large = small;
  large.sop_instance_uid = UniqueUid("3.");
  large.rows = 512;
  large.columns = 512;  // 512 kB of pixel data: dozens of PDUs
  ASSERT_EQ(StoreScu({MakeInstance(small, "small.dcm"), MakeInstance(large, "large.dcm")}).exit_code,
            0)
      << server_->Log();
  for (const TestInstance& t : {small, large}) {
    const auto rows = Index().Rows("SELECT path, sha256 FROM instances WHERE sop_instance_uid = ?",
                                   {t.sop_instance_uid});
    ASSERT_EQ(rows.size(), 1u);
    auto on_disk = storage::Sha256OfFile(StoragePath(rows[0][0]));
    ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
    EXPECT_EQ(rows[0][1], *on_disk) << t.sop_instance_uid;
  }
}

TEST_F(StoreE2eTest, StoredInstanceIsIndexedAtEveryLevel) {
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.series_uid = UniqueUid("2.");
  t.sop_instance_uid = UniqueUid("3.");
  t.patient_id = "E2E-42";
  t.patient_name = "Curie^Marie";
  t.accession_number = "A-777";
  t.modality = "MR";
  t.rows = 32;
  t.columns = 24;
  const std::string sent = MakeInstance(t, "indexed.dcm");
  ASSERT_EQ(StoreScu({sent}).exit_code, 0) << server_->Log();

  auto rows = Index().Rows(
      "SELECT patient_id, patient_name, accession_number, modality, rows, columns, "
      "transfer_syntax_uid, calling_aet, source, size_bytes, length(sha256) "
      "FROM instance_details WHERE sop_instance_uid = ?",
      {t.sop_instance_uid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{"E2E-42", "Curie^Marie", "A-777", "MR", "32", "24",
                          "1.2.840.10008.1.2.1", "MODALITY", "network",
                          std::to_string(std::filesystem::file_size(StoragePath(
                              t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid +
                              ".dcm"))),
                          "64"}));
  // The full header is queryable as DICOM JSON.
  EXPECT_EQ(Index().Scalar("SELECT json_extract(h.json, '$.\"00180050\".Value[0]') FROM headers h "
                           "JOIN instances i USING (instance_pk) WHERE i.sop_instance_uid = ?",
                           {t.sop_instance_uid}),
            "1.25");
}

TEST_F(StoreE2eTest, ResendingAnInstanceReplacesItAndKeepsOneRow) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  t.series_description = "first";
  ASSERT_EQ(StoreScu({MakeInstance(t, "v1.dcm")}).exit_code, 0);
  t.series_description = "second";
  ASSERT_EQ(StoreScu({MakeInstance(t, "v2.dcm")}).exit_code, 0);

  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            1);
  EXPECT_EQ(Index().Scalar("SELECT series_description FROM instance_details "
                           "WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid}),
            "second");
}

TEST_F(StoreE2eTest, AssociationsAndReplacementsAreInTheHistory) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  ASSERT_EQ(StoreScu({MakeInstance(t, "h1.dcm")}).exit_code, 0);
  ASSERT_EQ(StoreScu({MakeInstance(t, "h2.dcm")}).exit_code, 0);
  // Stopping waits for every association, so both rows are written.
  ASSERT_EQ(server_->Stop(), 0);
  EXPECT_EQ(Index().Rows("SELECT calling_aet, called_aet, outcome, instances, accepted_contexts > 0, "
                         "ended_at >= started_at FROM associations"),
            (std::vector<Row>{{"MODALITY", "PIXELDEX", "released", "1", "1", "1"},
                              {"MODALITY", "PIXELDEX", "released", "1", "1", "1"}}));
  EXPECT_EQ(Index().Rows("SELECT kind, sop_instance_uid, calling_aet FROM events"),
            (std::vector<Row>{{"duplicate_replaced", t.sop_instance_uid, "MODALITY"}}));
}

TEST_F(StoreE2eTest, SigtermStopsTheServerCleanly) {
  EXPECT_EQ(server_->Stop(), 0) << server_->Log();
}

}  // namespace
}  // namespace pixeldex::testing

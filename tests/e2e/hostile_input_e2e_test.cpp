// End-to-end: hostile peers and data never crash the server nor write outside
// the storage root; after each attack a C-ECHO and a C-STORE still succeed.

#include <sys/socket.h>
#include <unistd.h>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/raw_store_client.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

class HostileInputE2eTest : public ServerTest {
 protected:
  // Connects, sends `bytes`, optionally waits for the server to close, closes.
  void SendRaw(const std::string& bytes, bool wait_for_close) {
    const int fd = ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    if (wait_for_close) {
      // The server must end a connection that speaks nonsense: read until EOF.
      char buffer[256];
      while (::recv(fd, buffer, sizeof(buffer), 0) > 0) {
      }
    }
    ::close(fd);
  }

  // The data set bytes (Explicit VR Little Endian) of a fresh test instance
  // with `tail` appended, sent by a raw C-STORE; returns the response status.
  int StoreWithTail(const std::string& uid, const std::string& tail) {
    TestInstance t;
    t.sop_instance_uid = uid;
    const std::string dataset = DatasetBytes(MakeInstance(t, "base" + std::to_string(++bases_) + ".dcm"));
    return RawStore(server_->port(), t.sop_class_uid, uid, dataset + tail);
  }
  // A raw association that has sent a Study Root C-FIND-RQ command set.
  std::unique_ptr<RawStoreClient> StartFind() {
    auto client = std::make_unique<RawStoreClient>(server_->port(),
                                                   UID_FINDStudyRootQueryRetrieveInformationModel);
    EXPECT_TRUE(client->connected());
    EXPECT_TRUE(client->connected() && client->SendCommand(""));  // C-FIND-RQ
    return client;
  }
  int64_t Stored(const std::string& uid) {
    return Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?", {uid});
  }
  // A C-STORE whose data set ends in `tail` gets an error status, stores
  // nothing, leaves nothing in .incoming, and the server serves on.
  void ExpectRefused(const std::string& tail) {
    const std::string uid = UniqueUid("3.");
    EXPECT_GE(StoreWithTail(uid, tail), 0xA000) << server_->Log();
    EXPECT_EQ(Stored(uid), 0);
    EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
    ExpectStillServing();
  }
  int bases_ = 0;
};

TEST_F(HostileInputE2eTest, GarbageInsteadOfAnAssociationRequest) {
  SendRaw(std::string(4096, '\x5a'), true);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, AssociateRequestWithAHugeDeclaredLength) {
  // PDU type 01, reserved, length 0xFFFFFFF0, then a few bytes and EOF.
  SendRaw(std::string("\x01\x00\xff\xff\xff\xf0\x00\x01", 8) + "PIXELDEX", false);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, TruncatedAssociateRequest) {
  SendRaw(std::string("\x01\x00\x00\x00\x00\x44\x00\x01\x00\x00", 10), false);
  ExpectStillServing();
}

struct CutAfter {
  int fd;
  unsigned long bytes;
  bool cut = false;
};

// DIMSE progress callback: cuts the TCP connection once `bytes` were sent.
void CutConnection(void* data, T_DIMSE_StoreProgress* progress, T_DIMSE_C_StoreRQ*) {
  auto* cut = static_cast<CutAfter*>(data);
  if (!cut->cut && static_cast<unsigned long>(progress->progressBytes) > cut->bytes) {
    ::shutdown(cut->fd, SHUT_RDWR);
    cut->cut = true;
  }
}

TEST_F(HostileInputE2eTest, DeeplyNestedSequencesAreRefusedNotRecursedInto) {
  // 100 000 levels in 3.6 MB overflowed DCMTK's recursive parser (a crash);
  // nesting beyond 128 is now refused with C000 before it is parsed.
  const std::string deep = UniqueUid("3.");
  EXPECT_EQ(StoreWithTail(deep, NestedSequenceBytes(100000)), 0xC000) << server_->Log();
  EXPECT_EQ(Stored(deep), 0);
  EXPECT_TRUE(server_->WaitForLog("nests sequences more than 128 deep")) << server_->Log();
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  // Real-world nesting is stored as usual.
  const std::string nested = UniqueUid("3.");
  EXPECT_EQ(StoreWithTail(nested, NestedSequenceBytes(100)), 0) << server_->Log();
  EXPECT_EQ(Stored(nested), 1);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ZeroPaddedDataSetIsRefusedBeforeItIsParsed) {
  // 20 MB of zero bytes parse as (0000,0000) elements: 9 s of DCMTK CPU,
  // then stored, and the same again at every C-GET, reindex and reconcile.
  const std::string uid = UniqueUid("3.");
  EXPECT_EQ(StoreWithTail(uid, std::string(20 << 20, '\0')), 0xC000) << server_->Log();
  EXPECT_EQ(Stored(uid), 0);
  EXPECT_TRUE(server_->WaitForLog("data set holds a command (group 0000) element"))
      << server_->Log();
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, RepeatedOrDescendingTagsAreRefused) {
  // After Pixel Data (7FE0,0010), the data set's last element: Modality again.
  ExpectRefused(LongElementHeader(0x0008, 0x0060, "UN", 2) + "CT");
  ExpectRefused(LongElementHeader(0x7FE0, 0x0010, "OB", 2) + "xx");
}

TEST_F(HostileInputE2eTest, ElementLongerThanTheDataSetIsRefused) {
  // Declares 1000 bytes of Data Set Trailing Padding, then the data set ends.
  ExpectRefused(LongElementHeader(0xFFFC, 0xFFFC, "OB", 1000) + "0123456789");
}

TEST_F(HostileInputE2eTest, HugeDeclaredElementLengthIsRefused) {
  ExpectRefused(LongElementHeader(0xFFFC, 0xFFFC, "OB", 0xFFFFFFF0) + "xx");
}

TEST_F(HostileInputE2eTest, UnterminatedSequenceIsRefused) {
  const std::string nested = NestedSequenceBytes(50);
  ExpectRefused(nested.substr(0, nested.size() / 2 + 4));
}

TEST_F(HostileInputE2eTest, DeeplyNestedFindIdentifierAbortsTheAssociation) {
  // 100 000 levels (3.6 MB) crashed the server in DCMTK's in-memory parser.
  auto client = StartFind();
  const std::string level = std::string("\x08\x00\x52\x00", 4) + "CS" + std::string("\x06\x00", 2) + "STUDY ";
  client->SendData(level + NestedSequenceBytes(100000), true);  // fails part-way once refused
  EXPECT_TRUE(client->EndedByServerWithin(30));
  EXPECT_TRUE(server_->WaitForLog("dropped: request data set (not a C-STORE's) larger than 128 KiB"))
      << server_->Log();
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, FindIdentifierNestingJustUnderTheSizeLimitDoesNotCrash) {
  // 6 000 opened, never closed levels in 120 KiB: deeper than an 8 MiB stack
  // survives in DCMTK's parser, within the association thread's 64 MiB.
  auto client = StartFind();
  const std::string open = NestedSequenceBytes(1).substr(0, 20);  // SQ + item headers
  std::string nested;
  for (int i = 0; i < 6000; ++i) nested += open;
  ASSERT_LT(nested.size(), 128u * 1024);
  ASSERT_TRUE(client->SendData(nested, true));
  client->EndedByServerWithin(10);  // whatever it answers
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, CommandSetWithASequenceAbortsTheAssociation) {
  RawStoreClient client(server_->port(), UID_CTImageStorage);
  ASSERT_TRUE(client.connected());
  // (0000,1234) of undefined length: DCMTK would parse it as a sequence.
  ASSERT_TRUE(client.SendCommandBytes(std::string("\x00\x00\x34\x12\xff\xff\xff\xff", 8) +
                                      NestedSequenceBytes(3)));
  EXPECT_TRUE(client.EndedByServerWithin(30));
  EXPECT_TRUE(server_->WaitForLog("command set holds an element of undefined length"))
      << server_->Log();
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, GarbageDimseCommandAbortsTheAssociation) {
  RawStoreClient client(server_->port(), UID_CTImageStorage);
  ASSERT_TRUE(client.connected());
  // A well-framed P-DATA-TF PDU whose command PDV holds no command set.
  ASSERT_TRUE(client.SendCommandBytes(std::string(64, '\x42')));
  EXPECT_TRUE(client.EndedByServerWithin(30)) << server_->Log();
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ConnectionDroppedMidTransferLeavesNoFile) {
  TestInstance big;
  big.rows = big.columns = 2048;  // 8 MB of pixel data
  big.sop_instance_uid = UniqueUid("3.");
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(MakeInstance(big, "big.dcm").c_str()).good());

  T_ASC_Network* net = nullptr;
  ASSERT_TRUE(ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net).good());
  T_ASC_Parameters* params = LoopbackAssociationParameters(server_->port(), "DROPPER", UID_CTImageStorage);
  T_ASC_Association* assoc = nullptr;
  ASSERT_TRUE(ASC_requestAssociation(net, params, &assoc).good());

  T_DIMSE_C_StoreRQ request{};
  request.MessageID = 1;
  OFStandard::strlcpy(request.AffectedSOPClassUID, UID_CTImageStorage, sizeof(request.AffectedSOPClassUID));
  OFStandard::strlcpy(request.AffectedSOPInstanceUID, big.sop_instance_uid.c_str(),
                      sizeof(request.AffectedSOPInstanceUID));
  request.DataSetType = DIMSE_DATASET_PRESENT;
  request.Priority = DIMSE_PRIORITY_MEDIUM;
  T_DIMSE_C_StoreRSP response{};
  DcmDataset* detail = nullptr;
  CutAfter cut{AssociationSocket(assoc), 256 * 1024};
  OFCondition cond = DIMSE_storeUser(assoc, 1, &request, nullptr, file.getDataset(), CutConnection,
                                     &cut, DIMSE_BLOCKING, 0, &response, &detail);
  EXPECT_TRUE(cut.cut);
  EXPECT_TRUE(cond.bad());
  delete detail;
  ASC_dropAssociation(assoc);
  ASC_destroyAssociation(&assoc);
  ASC_dropNetwork(&net);

  ExpectStillServing();
  // Stopping waits for every association, the dropped one included.
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                          {big.sop_instance_uid}),
            0);
}

TEST_F(HostileInputE2eTest, PathTrickUidsStayInsideTheStorageRoot) {
  TestInstance t;
  t.study_uid = "../../../../../../tmp";
  t.series_uid = "..";
  t.sop_instance_uid = "1.2.3/../../../escape";
  // -nuc: dcmsend would otherwise refuse to send such UIDs.
  auto r = RunProcess({"dcmsend", "-nuc", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string(),
                       MakeInstance(t, "evil.dcm")},
                      FastClientEnv());
  EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
  const std::string root = fs::canonical(StoragePath("")).string();
  for (const auto& entry : fs::recursive_directory_iterator(StoragePath(""))) {
    EXPECT_EQ(fs::canonical(entry.path()).string().rfind(root, 0), 0u) << entry.path();
  }
  EXPECT_FALSE(fs::exists("/tmp/escape.dcm"));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ? "
                          "AND path NOT LIKE '%..%'",
                          {t.sop_instance_uid}),
            1);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, ASymbolicLinkPlantedInTheTreeIsNeverWrittenThrough) {
  // Someone with access to the storage tree links a study directory to
  // elsewhere: stores into that study used to land there.
  const std::string outside = dir_ / "outside";
  fs::create_directories(outside);
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.sop_instance_uid = UniqueUid("3.");
  fs::create_directory_symlink(outside, StoragePath(t.study_uid));
  const std::string dataset = DatasetBytes(MakeInstance(t, "linked.dcm"));
  EXPECT_EQ(RawStore(server_->port(), t.sop_class_uid, t.sop_instance_uid, dataset), 0xA700)
      << server_->Log();
  EXPECT_TRUE(fs::is_empty(outside));
  EXPECT_EQ(Stored(t.sop_instance_uid), 0);
  EXPECT_TRUE(server_->WaitForLog("symbolic link in the storage tree")) << server_->Log();
  EXPECT_TRUE(fs::is_empty(StoragePath(".incoming")));
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, UidInTheDataSetDifferentFromTheCommandGetsA900) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string dataset = DatasetBytes(MakeInstance(t, "mismatch.dcm"));
  const std::string claimed = UniqueUid("3.");
  EXPECT_EQ(RawStore(server_->port(), t.sop_class_uid, claimed, dataset), 0xA900) << server_->Log();
  EXPECT_EQ(Stored(t.sop_instance_uid) + Stored(claimed), 0);
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, InvalidUidsAreStoredUnderHashedNames) {
  // Letters, spaces and 200 characters: not a UID (PS3.5 9.1), still archived.
  TestInstance t;
  t.study_uid = "1.2.3.study uid with spaces";
  t.series_uid = "1.2." + std::string(196, '7');
  t.sop_instance_uid = "not-a-uid.ABC";
  const std::string dataset = DatasetBytes(MakeInstance(t, "invalid.dcm"));
  EXPECT_EQ(RawStore(server_->port(), t.sop_class_uid, t.sop_instance_uid, dataset), 0)
      << server_->Log();
  const std::string path = Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?",
                                          {t.sop_instance_uid});
  EXPECT_EQ(path.find("not-a-uid"), std::string::npos) << path;
  EXPECT_EQ(path.find("spaces"), std::string::npos) << path;
  EXPECT_EQ(path.find("7777"), std::string::npos) << path;
  EXPECT_TRUE(fs::exists(StoragePath(path))) << path;
  ExpectStillServing();
}

TEST_F(HostileInputE2eTest, MalformedDataSetGetsAnErrorStatus) {
  // A Part-10 file whose data set is cut in the middle of an element.
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string whole = ReadFileBytes(MakeInstance(t, "whole.dcm"));
  const std::string cut_path = dir_ / "cut.dcm";
  {
    std::ofstream out(cut_path, std::ios::binary);
    out << whole.substr(0, whole.size() - 100);
  }
  auto r = RunProcess({"dcmsend", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string(), cut_path},
                      FastClientEnv());
  // dcmsend may refuse to read the file itself; either way nothing is stored
  // half, and the server answers the next association.
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            0)
      << r.output;
  ExpectStillServing();
}

}  // namespace
}  // namespace pixeldex::testing

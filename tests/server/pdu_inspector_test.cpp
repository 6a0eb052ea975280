// PduInspector: what it lets through to DCMTK and what it refuses, however
// the bytes are split across reads.

#include "server/listener/pdu_inspector.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/upper_layer_bytes.h"

namespace pixeldex::server {
namespace {

using testing::AssociateRequestPdu;
using testing::Be32;
using testing::CommandElement;
using testing::Le16;
using testing::PDataPdu;
using testing::RequestCommandSet;
using testing::UidValue;

constexpr const char* kStudyFind = "1.2.840.10008.5.1.4.1.2.2.1";
constexpr uint16_t kCStore = 0x0001;
constexpr uint16_t kCFind = 0x0020;

// Context 1 proposes CT storage, 3 Verification, 5 Study Root C-FIND.
std::string Associate() {
  return AssociateRequestPdu(
      "PIXELDEX", "MODALITY",
      {{1, UID_CTImageStorage}, {3, UID_VerificationSOPClass}, {5, kStudyFind}});
}
// A request on `context`: its command set, then its data set in `fragments` PDUs.
std::string Request(uint16_t command_field, size_t data_bytes, uint8_t context = 1,
                    int fragments = 4) {
  std::string out =
      PDataPdu(RequestCommandSet(command_field, UID_CTImageStorage), context, true, true);
  for (int i = 0; i < fragments; ++i) {
    out += PDataPdu(std::string(data_bytes / fragments, 'x'), context, false, i == fragments - 1);
  }
  return out;
}

// Feeds `bytes` in chunks of `chunk` (1 = byte by byte).
Status FeedInChunks(PduInspector& inspector, const std::string& bytes, size_t chunk) {
  Status last;
  for (size_t at = 0; at < bytes.size() && last.ok(); at += chunk) {
    last = inspector.Feed(bytes.data() + at, std::min(chunk, bytes.size() - at));
  }
  return last;
}

class PduInspectorTest : public ::testing::TestWithParam<size_t> {
 protected:
  // Feeds the association request and then `bytes`.
  Status Feed(const std::string& bytes) { return FeedInChunks(inspector_, Associate() + bytes, GetParam()); }
  void ExpectRefused(const std::string& bytes, const std::string& why) {
    const Status refused = Feed(bytes);
    ASSERT_EQ(refused.code(), Status::Code::kInvalidArgument) << why;
    EXPECT_NE(refused.message().find(why), std::string::npos) << refused.message();
    EXPECT_FALSE(inspector_.Feed("x", 1).ok()) << "stays failed";
  }
  PduInspector inspector_;
};

TEST_P(PduInspectorTest, StoreDataSetsOnStorageContextsAreNotLimited) {
  EXPECT_TRUE(Feed(Request(kCStore, 4 << 20) + Request(kCFind, 1024, 5)).ok());
}

TEST_P(PduInspectorTest, OtherRequestDataSetsAreLimited) {
  EXPECT_TRUE(Feed(Request(kCFind, kMaxRequestDataSetBytes, 5)).ok());
  // The limit is per data set: the next one starts from zero.
  EXPECT_TRUE(FeedInChunks(inspector_, Request(kCFind, kMaxRequestDataSetBytes, 5), GetParam()).ok());
  const Status refused =
      FeedInChunks(inspector_, Request(kCFind, kMaxRequestDataSetBytes + 8, 5), GetParam());
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("request data set"), std::string::npos) << refused.message();
  EXPECT_FALSE(inspector_.Feed("x", 1).ok()) << "stays failed";
}

TEST_P(PduInspectorTest, AStoreIsUnlimitedOnlyOnAContextProposedForStorage) {
  ExpectRefused(Request(kCStore, kMaxRequestDataSetBytes + 8, 3), "request data set");
}

TEST_P(PduInspectorTest, AStoreIsLimitedWithoutAnAssociationRequest) {
  const Status refused = FeedInChunks(inspector_, Request(kCStore, kMaxRequestDataSetBytes + 8), GetParam());
  EXPECT_NE(refused.message().find("request data set"), std::string::npos) << refused.message();
}

TEST_P(PduInspectorTest, ARepeatedCommandFieldIsRefusedBeforeItsDataSet) {
  // C-FIND-RQ to DCMTK (first Command Field), C-STORE-RQ to a last-wins reader.
  const std::string command =
      CommandElement(0x0002, UidValue(UID_CTImageStorage)) + CommandElement(0x0100, Le16(kCFind)) +
      CommandElement(0x0100, Le16(kCStore)) + CommandElement(0x0800, Le16(0));
  ExpectRefused(PDataPdu(command, 3, true, true), "repeats (0000,0100)");
}

TEST_P(PduInspectorTest, CommandSetsMayNotHoldSequencesNorGrowLarge) {
  ExpectRefused(
      PDataPdu(RequestCommandSet(kCFind, UID_CTImageStorage) + Le16(0) + Le16(0x1234) + Be32(~0u),
               5, true, true),
      "undefined length");
  PduInspector large;
  std::string big;
  for (int i = 0; i < 5; ++i) big += PDataPdu(std::string(kMaxCommandBytes / 4, 'c'), 1, true, false);
  EXPECT_FALSE(FeedInChunks(large, big, GetParam()).ok());
}

TEST_P(PduInspectorTest, DataSetsFollowTheirCommandOnItsContext) {
  ExpectRefused(PDataPdu(RequestCommandSet(kCStore, UID_CTImageStorage), 1, true, true) +
                    PDataPdu("xx", 5, false, true),
                "data set PDV on presentation context 5, its command on 1");
}

TEST_P(PduInspectorTest, ADataSetWithoutACommandIsRefused) {
  ExpectRefused(PDataPdu("xxxx", 1, false, true), "data set PDV without a command");
}

TEST_P(PduInspectorTest, ADataSetAfterACommandWithoutOneIsRefused) {
  ExpectRefused(
      PDataPdu(RequestCommandSet(0x0030, UID_VerificationSOPClass, false), 3, true, true) +
          PDataPdu("xxxx", 3, false, true),
      "data set PDV without a command");
}

TEST_P(PduInspectorTest, ADataSetInsideACommandIsRefused) {
  ExpectRefused(
      PDataPdu(RequestCommandSet(kCFind, UID_CTImageStorage).substr(0, 20), 5, true, false) +
          PDataPdu("xxxx", 5, false, true),
      "data set PDV inside a command set");
}

TEST_P(PduInspectorTest, ACommandBeforeTheDataSetEndedIsRefused) {
  ExpectRefused(PDataPdu(RequestCommandSet(kCStore, UID_CTImageStorage), 1, true, true) +
                    PDataPdu("xxxx", 1, false, false) + Request(kCFind, 16, 5),
                "command PDV before the previous command's data set ended");
}

TEST_P(PduInspectorTest, CommandFragmentsShareOneContext) {
  const std::string command = RequestCommandSet(kCStore, UID_CTImageStorage);
  ExpectRefused(PDataPdu(command.substr(0, 20), 3, true, false) +
                    PDataPdu(command.substr(20), 1, true, true),
                "command set fragments on presentation contexts 3 and 1");
}

TEST_P(PduInspectorTest, PDataPdusAreFramedAsDcmtkRequires) {
  // A PDV that claims more than its PDU holds.
  std::string overlong = PDataPdu(RequestCommandSet(kCFind, UID_CTImageStorage), 5, true, true);
  overlong[9] = static_cast<char>(overlong[9] + 8);
  ExpectRefused(overlong, "PDV longer than its P-DATA-TF PDU");
}

TEST_P(PduInspectorTest, PduEndingInsideAPdvHeaderIsRefused) {
  const std::string pdu = PDataPdu("xxxx", 1, true, false);
  const std::string body = pdu.substr(6) + std::string(2, '\0');
  ExpectRefused(std::string{'\x04', '\0'} + Be32(static_cast<uint32_t>(body.size())) + body,
                "ends inside a PDV header");
}

TEST_P(PduInspectorTest, EmptyPDataPdusAreRefused) {
  ExpectRefused(std::string{'\x04', '\0'} + Be32(0), "P-DATA-TF PDU without a PDV");
}

TEST_P(PduInspectorTest, OddFragmentsAreRefused) {
  ExpectRefused(PDataPdu("xxx", 1, true, true), "odd length");
}

TEST_P(PduInspectorTest, PdvItemShorterThanItsHeaderIsRefused) {
  ExpectRefused(std::string{'\x04', '\0'} + Be32(6) + Be32(1) + "\x01\x03", "shorter than its header");
}

TEST_P(PduInspectorTest, OneAssociationRequestOfAtMost1MiB) {
  ExpectRefused(Associate(), "a second A-ASSOCIATE-RQ");
  PduInspector fresh;
  const Status refused =
      FeedInChunks(fresh, std::string{'\x01', '\0'} + Be32(kMaxAssociateRequestBytes + 1), GetParam());
  EXPECT_NE(refused.message().find("more than 1024 KiB"), std::string::npos) << refused.message();
}

TEST_P(PduInspectorTest, AssociationRequestsAreScreened) {
  PduInspector fresh;
  std::vector<testing::ProposedContext> contexts;
  for (int id = 1; id <= 255; id += 2)
    contexts.push_back({static_cast<uint8_t>(id), UID_CTImageStorage});
  contexts.push_back({1, UID_CTImageStorage});
  const Status refused = FeedInChunks(fresh, AssociateRequestPdu("PIXELDEX", "MODALITY", contexts), GetParam());
  EXPECT_NE(refused.message().find("more than 128"), std::string::npos) << refused.message();
}

INSTANTIATE_TEST_SUITE_P(Chunkings, PduInspectorTest, ::testing::Values(1, 7, 4096, 1 << 20),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return "Chunk" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace pixeldex::server

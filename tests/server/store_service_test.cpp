// StoreService (server/dimse/store_service.h): what a C-STORE is answered
// with, decided without a socket: success once durable, the duplicate
// policies (PS3.7 C.5.8 0111 under reject), refusals for lack of space
// (PS3.4 B.2.3 A700), a data set that is not the announced instance (A900),
// and the history, stats and incoming file each outcome leaves.

#include "server/dimse/store_service.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "catalog/storage/sha256.h"
#include "tests/server/server_context_fixture.h"

namespace pixeldex::server {
namespace {

using testing::TestInstance;

class StoreServiceTest : public testing::ServerContextFixture {
 protected:
  void SetUp() override {
    ServerContextFixture::SetUp();
    settings_.storage.min_free_mb = 0;
  }
  StoreRequestFacts FactsFor(const TestInstance& t) const {
    return {t.sop_class_uid, t.sop_instance_uid, "MODALITY", "PIXELDEX", "127.0.0.1:4242"};
  }
  // Receives `t` and answers it, as the handler does once the data set is in
  // its file.
  StoreAnswer Store(const TestInstance& t) {
    StoreService service(context(), stats_, FactsFor(t));
    return service.Ingest(Incoming(t));
  }
  AssociationStats stats_;
};

TEST_F(StoreServiceTest, AnswersSuccessOnceStoredAndCountsIt) {
  TestInstance t;
  t.sop_instance_uid = testing::UniqueUid("3.");
  const StoreAnswer answer = Store(t);
  EXPECT_EQ(answer.status, STATUS_Success);
  EXPECT_EQ(answer.comment, "");
  EXPECT_EQ(stats_.instances_stored, 1);
  EXPECT_EQ(stats_.store_failures, 0);
  EXPECT_GT(stats_.bytes_received, 0);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM instances WHERE sop_instance_uid = ?",
                         {t.sop_instance_uid}),
            1);
  EXPECT_EQ(probe_.Scalar("SELECT calling_aet FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            "MODALITY");
  EXPECT_EQ(IncomingFiles(), 0u);
}

// The handler's early answer: the 0000 it is given before Ingest returns is
// the answer Ingest returns, and a refusal gives none early.
TEST_F(StoreServiceTest, AStoredInstanceIsAnsweredEarlyWithTheSameSuccess) {
  TestInstance t;
  t.sop_instance_uid = testing::UniqueUid("3.");
  std::vector<StoreAnswer> early;
  const auto answer_early = [&](const StoreAnswer& answer) { early.push_back(answer); };
  StoreService service(context(), stats_, FactsFor(t));
  const StoreAnswer answer = service.Ingest(Incoming(t), nullptr, answer_early);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].status, STATUS_Success);
  EXPECT_EQ(answer.status, early[0].status);
  EXPECT_EQ(answer.comment, early[0].comment);

  TestInstance other = t;
  other.sop_instance_uid = testing::UniqueUid("3.");
  StoreService refusing(context(), stats_, FactsFor(t));  // announces t, sends other
  EXPECT_EQ(refusing.Ingest(Incoming(other), nullptr, answer_early).status,
            STATUS_STORE_Error_DataSetDoesNotMatchSOPClass);
  EXPECT_EQ(early.size(), 1u);
}

TEST_F(StoreServiceTest, RecordsTheStoredFilesHash) {
  TestInstance t;
  t.sop_instance_uid = testing::UniqueUid("3.");
  ASSERT_EQ(Store(t).status, STATUS_Success);
  const std::string path = probe_.Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?",
                                         {t.sop_instance_uid});
  auto on_disk = storage::Sha256OfFile(store_.layout().FileOf(path).string());
  ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
  EXPECT_EQ(probe_.Scalar("SELECT sha256 FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            *on_disk);
}

TEST_F(StoreServiceTest, DuplicateUnderRejectIsAnswered0111AndRecorded) {
  UseDuplicatePolicy(ingest::DuplicatePolicy::kReject);
  TestInstance t;
  t.sop_instance_uid = testing::UniqueUid("3.");
  ASSERT_EQ(Store(t).status, STATUS_Success);
  const StoreAnswer again = Store(t);
  EXPECT_EQ(again.status, 0x0111);  // PS3.7 C.5.8 Duplicate SOP Instance
  EXPECT_FALSE(again.comment.empty());
  EXPECT_EQ(stats_.instances_stored, 1);
  EXPECT_EQ(stats_.store_failures, 1);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM events WHERE kind = 'store_failed' AND "
                         "sop_instance_uid = ? AND status_code = 273 AND calling_aet = 'MODALITY'",
                         {t.sop_instance_uid}),
            1);
  EXPECT_EQ(IncomingFiles(), 0u);
}

TEST_F(StoreServiceTest, DuplicateUnderKeepAndReplaceIsAnsweredSuccess) {
  for (const auto policy : {ingest::DuplicatePolicy::kKeep, ingest::DuplicatePolicy::kReplace}) {
    UseDuplicatePolicy(policy);
    TestInstance t;
    t.sop_instance_uid = testing::UniqueUid("3.");
    ASSERT_EQ(Store(t).status, STATUS_Success);
    EXPECT_EQ(Store(t).status, STATUS_Success);
  }
  EXPECT_EQ(stats_.store_failures, 0);
  EXPECT_EQ(Events("store_failed"), 0);
  EXPECT_EQ(Events("duplicate_kept"), 1);
  EXPECT_EQ(Events("duplicate_replaced"), 1);
  EXPECT_EQ(IncomingFiles(), 0u);
}

TEST_F(StoreServiceTest, DataSetThatIsNotTheAnnouncedInstanceIsA900) {
  TestInstance t;
  t.sop_instance_uid = testing::UniqueUid("3.");
  StoreRequestFacts facts = FactsFor(t);
  facts.sop_instance_uid = testing::UniqueUid("3.");  // the request names another instance
  StoreService service(context(), stats_, facts);
  const StoreAnswer answer = service.Ingest(Incoming(t));
  EXPECT_EQ(answer.status, STATUS_STORE_Error_DataSetDoesNotMatchSOPClass);  // PS3.4 B.2.3
  EXPECT_EQ(stats_.store_failures, 1);
  EXPECT_EQ(Events("store_failed"), 1);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM instances"), 0);
  EXPECT_EQ(IncomingFiles(), 0u);
}

TEST_F(StoreServiceTest, BytesThatAreNotADataSetAreNotStored) {
  storage::IncomingFile incoming = storage::NewIncomingFile(store_);
  std::ofstream(incoming.path()) << "not a DICOM file";
  TestInstance t;
  StoreService service(context(), stats_, FactsFor(t));
  const StoreAnswer answer = service.Ingest(std::move(incoming));
  EXPECT_NE(answer.status, STATUS_Success);
  EXPECT_FALSE(answer.comment.empty());
  EXPECT_EQ(stats_.store_failures, 1);
  EXPECT_EQ(IncomingFiles(), 0u);
}

TEST_F(StoreServiceTest, RefusedBeforeReceivingWhenFreeSpaceIsBelowTheThreshold) {
  settings_.storage.min_free_mb = int64_t{1} << 40;  // more than any disk has
  TestInstance t;
  StoreService service(context(), stats_, FactsFor(t));
  const auto refusal = service.RefusalBeforeReceiving();
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("is below storage.min_free_mb"), std::string::npos) << *refusal;
  EXPECT_LE(refusal->size(), 64u);  // it is the Error Comment (LO)
  const StoreAnswer answer = service.OutOfResources(*refusal);
  EXPECT_EQ(answer.status, STATUS_STORE_Refused_OutOfResources);  // A700
  EXPECT_EQ(answer.comment, *refusal);
  EXPECT_EQ(stats_.store_failures, 1);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM events WHERE kind = 'store_failed' AND "
                         "status_code = 42752"),
            1);
}

TEST_F(StoreServiceTest, NotRefusedWithoutThreshold) {
  settings_.storage.min_free_mb = 0;
  StoreService service(context(), stats_, FactsFor(TestInstance{}));
  EXPECT_FALSE(service.RefusalBeforeReceiving().has_value());
}

TEST_F(StoreServiceTest, LostReceptionIsRecordedWithoutStatus) {
  StoreService service(context(), stats_, FactsFor(TestInstance{}));
  service.ReceiveFailed("DUL peer closed the connection");
  EXPECT_EQ(stats_.store_failures, 1);
  EXPECT_EQ(probe_.Count("SELECT COUNT(*) FROM events WHERE kind = 'store_failed' AND "
                         "status_code = 0 AND detail LIKE 'receiving the data set failed: %'"),
            1);
}

}  // namespace
}  // namespace pixeldex::server

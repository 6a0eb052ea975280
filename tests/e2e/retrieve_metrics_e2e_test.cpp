// End-to-end: /metrics counts C-GETs and C-MOVEs by DCMTK's getscu and
// movescu exactly: each request by its final status (0000, B000, A801,
// A900), the sub-operations by result as the responses count them, and the
// data set bytes sent: those of the stored data sets when they go unchanged,
// those of the converted data set (as the destination received it) when an
// instance had to be decompressed.

#include <filesystem>

#include "tests/e2e/retrieve_fixture.h"
#include "tests/support/metrics_scrape.h"

namespace pixeldex::testing {
namespace {

class RetrieveMetricsE2eTest : public RetrieveTest {
 protected:
  void SetUp() override {
    // The destination listens before pixeldex starts: its port is an argument.
    dest_dir_ = NewDir("dest");
    dest_ = StoreScp::Start({"DEST", dest_dir_, dir_ / "dest.log", {"+B"}, {}});
    RetrieveTest::SetUp();
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0", "--move-destination",
            "DEST=127.0.0.1:" + std::to_string(dest_->port())};
  }

  // The bytes of the stored data sets of `names` (one entry per sending).
  double StoredDatasetBytes(const std::vector<std::string>& names) const {
    double bytes = 0;
    for (const auto& n : names) bytes += static_cast<double>(DatasetBytes(StoredFile(n)).size());
    return bytes;
  }

  std::string dest_dir_;
  std::unique_ptr<StoreScp> dest_;
};

constexpr const char* kGetSuccess = R"(pixeldex_cget_responses_total{status="0000"})";
constexpr const char* kMoveSuccess = R"(pixeldex_cmove_responses_total{status="0000"})";
constexpr const char* kCompleted = R"(pixeldex_retrieve_suboperations_total{result="completed"})";
constexpr const char* kFailed = R"(pixeldex_retrieve_suboperations_total{result="failed"})";
constexpr const char* kWarning = R"(pixeldex_retrieve_suboperations_total{result="warning"})";
constexpr const char* kBytesSent = "pixeldex_retrieve_sent_bytes_total";

TEST_F(RetrieveMetricsE2eTest, StartAtZero) {
  auto m = SettledMetrics(server_->http_port());
  for (const char* sample :
       {kGetSuccess, kMoveSuccess, kCompleted, kFailed, kWarning, kBytesSent}) {
    ASSERT_EQ(m.count(sample), 1u) << sample;
    EXPECT_EQ(m[sample], 0) << sample;
  }
}

TEST_F(RetrieveMetricsE2eTest, CountEveryRetrieveItsSubOperationsAndTheBytesSent) {
  // A C-GET of study A: a1, a2, a3 completed.
  auto r = GetScu(NewDir("got"),
                  Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["A"]}));
  ASSERT_NE(r.output.find("Received C-GET Response (Success)"), std::string::npos) << r.output;
  // A C-GET without a unique key: A900, no sub-operations.
  r = GetScu(NewDir("bad"), Keys("-S", {"QueryRetrieveLevel=STUDY"}));
  ASSERT_NE(r.output.find("DataSetDoesNotMatchSOPClass"), std::string::npos) << r.output;
  // A C-MOVE of study C: c1 completed.
  r = MoveScu("DEST", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["C"]}));
  ASSERT_NE(r.output.find("Received Final Move Response (Success)"), std::string::npos) << r.output;
  // A C-MOVE to a destination nobody configured: A801.
  r = MoveScu("NOWHERE", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["B"]}));
  ASSERT_NE(r.output.find("Refused: MoveDestinationUnknown"), std::string::npos) << r.output;
  // A C-MOVE of series A1 whose a1 file is gone: a2 completed, a1 failed, B000.
  const double a1_bytes = StoredDatasetBytes({"a1"});
  std::filesystem::remove(StoredFile("a1"));
  r = MoveScu("DEST", Keys("-S", {"QueryRetrieveLevel=SERIES", "SeriesInstanceUID=" + uid_["A1"]}));
  ASSERT_NE(r.output.find("Final Move Response (Warning: SubOperationsCompleteOneOrMoreFailures)"),
            std::string::npos)
      << r.output;

  auto m = SettledMetrics(server_->http_port());
  EXPECT_EQ(m[kGetSuccess], 1);
  EXPECT_EQ(m[R"(pixeldex_cget_responses_total{status="A900"})"], 1);
  EXPECT_EQ(m[kMoveSuccess], 1);
  EXPECT_EQ(m[R"(pixeldex_cmove_responses_total{status="B000"})"], 1);
  EXPECT_EQ(m[R"(pixeldex_cmove_responses_total{status="A801"})"], 1);
  EXPECT_EQ(m[kCompleted], 5);
  EXPECT_EQ(m[kFailed], 1);
  EXPECT_EQ(m[kWarning], 0);
  EXPECT_EQ(m[kBytesSent], a1_bytes + StoredDatasetBytes({"a2", "a3", "c1", "a2"}));
  // The C-GET/C-MOVE statuses are the only ones counted.
  int get_and_move_statuses = 0;
  for (const auto& [sample, value] : m) {
    if (sample.rfind("pixeldex_cget_responses_total", 0) == 0 ||
        sample.rfind("pixeldex_cmove_responses_total", 0) == 0) {
      get_and_move_statuses += static_cast<int>(value);
    }
  }
  EXPECT_EQ(get_and_move_statuses, 5);
}

TEST_F(RetrieveMetricsE2eTest, AConvertedInstanceCountsTheBytesItWasSentIn) {
  StoreRleInstance();
  ASSERT_FALSE(HasFailure());
  // DEST accepts uncompressed syntaxes only: the RLE instance is decompressed.
  auto r =
      MoveScu("DEST", Keys("-S", {"QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + uid_["R"]}));
  ASSERT_NE(r.output.find("Received Final Move Response (Success)"), std::string::npos) << r.output;
  const auto received = InstancesIn(dest_dir_);
  ASSERT_EQ(received.count(uid_["rle"]), 1u);
  auto m = SettledMetrics(server_->http_port());
  EXPECT_EQ(m[kCompleted], 1);
  // storescp +B writes the data set as it came over the wire.
  const double sent = static_cast<double>(DatasetBytes(received.at(uid_["rle"])).size());
  EXPECT_EQ(m[kBytesSent], sent);
  EXPECT_GT(sent, StoredDatasetBytes({"rle"}));  // not the stored RLE data set
}

}  // namespace
}  // namespace pixeldex::testing

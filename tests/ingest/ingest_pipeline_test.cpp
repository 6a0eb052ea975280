// The ingest pipeline without the network: validation, storage, indexing,
// duplicate policies, and that failures leave nothing behind.

#include "catalog/ingest/ingest_pipeline.h"

#include <fcntl.h>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "catalog/metadata/metadata_extractor.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/storage/sha256.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/index_probe.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::ingest {
namespace {

namespace fs = std::filesystem;
using pixeldex::testing::TestInstance;

class IngestPipelineTest : public ::testing::Test {
 protected:
  void Open(IngestOptions options) {
    ASSERT_TRUE(store_.Initialize().ok());
    auto writer = index::IndexWriter::Open(dir_ / "index.db");
    ASSERT_TRUE(writer.ok());
    writer_ = std::move(writer).value();
    pipeline_ = std::make_unique<IngestPipeline>(store_, *writer_, options);
  }
  void SetUp() override { Open({}); }

  // Puts a generated instance into the incoming directory.
  IngestRequest Incoming(const TestInstance& t) {
    IngestRequest request;
    request.incoming_path = store_.NewIncomingPath();
    pixeldex::testing::WriteTestInstance(request.incoming_path, t);
    request.provenance.source = ProvenanceSource::kNetwork;
    return request;
  }
  bool IncomingIsEmpty() const { return fs::is_empty(store_.layout().IncomingDir()); }
  // Ingest refuses `request` as not matching (its reason naming `what`) and
  // leaves neither an incoming file nor a row.
  void ExpectRejectedLeavingNothing(const IngestRequest& request, const std::string& what) {
    auto outcome = pipeline_->Ingest(request);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(outcome.status().message().find(what), std::string::npos)
        << outcome.status().ToString();
    EXPECT_TRUE(IncomingIsEmpty());
    EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 0);
  }

  pixeldex::testing::TempDir dir_;
  storage::FileStore store_{storage::StorageLayout(dir_.path() / "storage")};
  std::unique_ptr<index::IndexWriter> writer_;
  std::unique_ptr<IngestPipeline> pipeline_;
  pixeldex::testing::IndexProbe probe_{dir_ / "index.db"};
};

TEST_F(IngestPipelineTest, StoresIndexesAndRecordsTheThumbnail) {
  TestInstance t;
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->disposition, Disposition::kStored);
  EXPECT_EQ(outcome->relative_path,
            t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm");
  EXPECT_TRUE(fs::exists(store_.layout().Absolute(outcome->relative_path)));
  EXPECT_TRUE(IncomingIsEmpty());
  EXPECT_EQ(probe_.Rows("SELECT i.path, i.size_bytes, t.status FROM instances i "
                        "JOIN thumbnails t USING (instance_pk)"),
            (std::vector<pixeldex::testing::Row>{
                {outcome->relative_path,
                 std::to_string(fs::file_size(store_.layout().Absolute(outcome->relative_path))),
                 "ok"}}));
}

// PS3.5 6.2.2: known attributes encoded as UN are read with their dictionary
// VR, so the UIDs are the real ones (not "31\2e\39...", not a hashed folder)
// and a C-STORE naming the instance is accepted.
TEST_F(IngestPipelineTest, UidsEncodedAsUnAreReadWithTheirDictionaryVr) {
  TestInstance t;
  t.uids_as_un = true;
  IngestRequest request = Incoming(t);
  request.expected_sop_class_uid = t.sop_class_uid;
  request.expected_sop_instance_uid = t.sop_instance_uid;
  auto outcome = pipeline_->Ingest(request);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->sop_instance_uid, t.sop_instance_uid);
  EXPECT_EQ(outcome->relative_path,
            t.study_uid + "/" + t.series_uid + "/" + t.sop_instance_uid + ".dcm");
  EXPECT_EQ(probe_.Rows("SELECT st.study_instance_uid, i.sop_instance_uid FROM instances i "
                        "JOIN series se USING (series_pk) JOIN studies st USING (study_pk)"),
            (std::vector<pixeldex::testing::Row>{{t.study_uid, t.sop_instance_uid}}));
  EXPECT_EQ(probe_.Rows("SELECT json_extract(json, '$.\"00080018\".vr'), "
                        "json_extract(json, '$.\"00080018\".Value[0]') FROM headers"),
            (std::vector<pixeldex::testing::Row>{{"UI", t.sop_instance_uid}}));
}

// A sender that reads those UN bytes as bytes names the instance "31" (as
// dcmsend does); the data set is what import catalogs, so C-STORE takes it.
TEST_F(IngestPipelineTest, ARequestNamingUnEncodedUidsAsBytesIsAccepted) {
  TestInstance t;
  t.uids_as_un = true;
  IngestRequest request = Incoming(t);
  request.expected_sop_class_uid = t.sop_class_uid;
  request.expected_sop_instance_uid = "31";
  auto outcome = pipeline_->Ingest(request);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->sop_instance_uid, t.sop_instance_uid);
  EXPECT_NE(outcome->warning.find("encoded as UN"), std::string::npos) << outcome->warning;
}

// PS3.5 6.1: undecodable text is stored with U+FFFD, the instance is stored,
// and an event says which attribute.
TEST_F(IngestPipelineTest, UndecodableTextIsReplacedAndRecorded) {
  TestInstance t;
  t.patient_name = "M\xfcller^Hans";  // Latin-1 byte, no character set declared
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(probe_.Rows("SELECT patient_name FROM patients"),
            (std::vector<pixeldex::testing::Row>{{"M\xEF\xBF\xBDller^Hans"}}));
  EXPECT_EQ(probe_.Rows("SELECT kind, sop_instance_uid, detail FROM events"),
            (std::vector<pixeldex::testing::Row>{
                {"text_undecodable", t.sop_instance_uid,
                 "character set '': undecodable bytes replaced by U+FFFD in (0010,0010)"}}));
}

TEST_F(IngestPipelineTest, MismatchWithTheRequestIsRejectedAndNothingIsKept) {
  TestInstance t;
  IngestRequest request = Incoming(t);
  request.expected_sop_instance_uid = "1.2.3.4.5.6";
  ExpectRejectedLeavingNothing(request, "SOP Instance UID");
}

// PS3.18 10.5.1: STOW-RS to /studies/{study} stores only that study's instances.
TEST_F(IngestPipelineTest, AnotherStudyThanTheRequestNamesIsRejected) {
  TestInstance t;
  IngestRequest request = Incoming(t);
  request.expected_study_instance_uid = "1.2.3.4.5.6";
  ExpectRejectedLeavingNothing(request, "Study Instance UID");

  IngestRequest same_study = Incoming(t);
  same_study.expected_study_instance_uid = t.study_uid;
  EXPECT_TRUE(pipeline_->Ingest(same_study).ok());
}

TEST_F(IngestPipelineTest, MissingIdentityIsRejected) {
  TestInstance t;
  t.series_uid = "";
  IngestRequest request;
  request.incoming_path = store_.NewIncomingPath();
  pixeldex::testing::WriteTestInstance(request.incoming_path, t);
  auto outcome = pipeline_->Ingest(request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find("Series Instance UID"), std::string::npos);
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(IngestPipelineTest, GarbageIsCorruptionAndLeavesNothing) {
  IngestRequest request;
  request.incoming_path = store_.NewIncomingPath();
  std::ofstream(request.incoming_path) << "this is not DICOM at all";
  auto outcome = pipeline_->Ingest(request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kCorruption);
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(IngestPipelineTest, HostileUidsNeverLeaveTheStorageRoot) {
  TestInstance t;
  t.study_uid = "../../../../tmp";
  t.series_uid = "/etc";
  t.sop_instance_uid = "../escape";
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  const fs::path stored = fs::weakly_canonical(store_.layout().Absolute(outcome->relative_path));
  const fs::path root = fs::weakly_canonical(store_.layout().root());
  EXPECT_EQ(stored.string().rfind(root.string() + "/", 0), 0u) << stored;
  EXPECT_EQ(outcome->relative_path.find(".."), std::string::npos);
  EXPECT_EQ(probe_.Scalar("SELECT sop_instance_uid FROM instances"), "../escape");
}

TEST_F(IngestPipelineTest, ReplacePolicyKeepsTheNewestCopy) {
  TestInstance t;
  t.series_description = "old";
  ASSERT_TRUE(pipeline_->Ingest(Incoming(t)).ok());
  t.series_description = "new";
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->disposition, Disposition::kReplaced);
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details"), "new");
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 1);
}

TEST_F(IngestPipelineTest, ReplacementInAnotherStudyRemovesTheOldFile) {
  TestInstance t;
  auto first = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(first.ok());
  t.study_uid = "1.2.999";
  auto second = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->relative_path, second->relative_path);
  EXPECT_FALSE(fs::exists(store_.layout().Absolute(first->relative_path)));
  EXPECT_TRUE(fs::exists(store_.layout().Absolute(second->relative_path)));
}

TEST_F(IngestPipelineTest, KeepPolicyKeepsTheFirstCopy) {
  pipeline_ = std::make_unique<IngestPipeline>(store_, *writer_, IngestOptions{DuplicatePolicy::kKeep});
  TestInstance t;
  t.series_description = "first";
  ASSERT_TRUE(pipeline_->Ingest(Incoming(t)).ok());
  t.series_description = "second";
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->disposition, Disposition::kKeptExisting);
  EXPECT_EQ(probe_.Scalar("SELECT series_description FROM instance_details"), "first");
  EXPECT_TRUE(IncomingIsEmpty());
}

TEST_F(IngestPipelineTest, RejectPolicyRefusesTheSecondCopy) {
  pipeline_ = std::make_unique<IngestPipeline>(store_, *writer_, IngestOptions{DuplicatePolicy::kReject});
  TestInstance t;
  ASSERT_TRUE(pipeline_->Ingest(Incoming(t)).ok());
  auto outcome = pipeline_->Ingest(Incoming(t));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kAlreadyExists);
  EXPECT_TRUE(IncomingIsEmpty());
}

// on_indexed (where a C-STORE is answered): called once, when the file and
// its rows are there, with the outcome Ingest then returns, while the
// incoming name (tidied away after it) still exists; never for a failure or
// a copy kept instead.
TEST_F(IngestPipelineTest, OnIndexedComesOnceTheInstanceIsDurableAndBeforeTheTidying) {
  TestInstance t;
  IngestRequest request = Incoming(t);
  int calls = 0;
  IngestOutcome seen;
  request.on_indexed = [&](const IngestOutcome& outcome) {
    ++calls;
    seen = outcome;
    EXPECT_TRUE(fs::exists(store_.layout().Absolute(outcome.relative_path)));
    EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid}),
              1);
    EXPECT_FALSE(IncomingIsEmpty());
  };
  auto outcome = pipeline_->Ingest(request);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen.relative_path, outcome->relative_path);
  EXPECT_EQ(seen.disposition, outcome->disposition);
  EXPECT_TRUE(IncomingIsEmpty());

  pipeline_ =
      std::make_unique<IngestPipeline>(store_, *writer_, IngestOptions{DuplicatePolicy::kKeep});
  IngestRequest kept = Incoming(t);
  kept.on_indexed = request.on_indexed;
  ASSERT_TRUE(pipeline_->Ingest(kept).ok());
  IngestRequest refused = Incoming(t);
  refused.expected_sop_instance_uid = "1.2.3.4.5.6";
  refused.on_indexed = request.on_indexed;
  ASSERT_FALSE(pipeline_->Ingest(refused).ok());
  EXPECT_EQ(calls, 1);
}

// A file of up to 64 KiB is read once and checked, parsed and hashed from
// memory; a larger one from its path. Either way the rows hold the stored
// file's size and SHA-256 and the header DCMTK's loadFile of that file gives.
TEST_F(IngestPipelineTest, ASmallFileReadOnceGetsTheRowsOfItsStoredFile) {
  TestInstance small;
  small.sop_instance_uid = pixeldex::testing::UniqueUid();
  TestInstance large = small;  // 200x200 at 16 bits: 80 kB of pixels
  large.sop_instance_uid = pixeldex::testing::UniqueUid();
  large.rows = large.columns = 200;
  for (const TestInstance* t : {&small, &large}) {
    const IngestRequest request = Incoming(*t);
    const auto size = fs::file_size(request.incoming_path);
    EXPECT_EQ(size <= 64 * 1024, t == &small) << size;
    auto outcome = pipeline_->Ingest(request);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    const std::string stored = store_.layout().Absolute(outcome->relative_path).string();
    auto hash = storage::Sha256OfFile(stored);
    ASSERT_TRUE(hash.ok());
    EXPECT_EQ(probe_.Rows("SELECT size_bytes, sha256 FROM instances WHERE sop_instance_uid = ?",
                          {t->sop_instance_uid}),
              (std::vector<pixeldex::testing::Row>{{std::to_string(size), *hash}}));
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(stored.c_str()).good());
    auto extracted = metadata::ExtractMetadata(file);
    ASSERT_TRUE(extracted.ok());
    EXPECT_EQ(probe_.Rows("SELECT h.json FROM headers h JOIN instances i USING (instance_pk) "
                          "WHERE i.sop_instance_uid = ?",
                          {t->sop_instance_uid}),
              (std::vector<pixeldex::testing::Row>{{extracted->header_json}}));
    EXPECT_EQ(outcome->thumbnail_status, ThumbnailStatus::kOk);
  }
}

// A receiver's copy of the file's bytes (ReceivedCopy) is what the pipeline
// checks, parses and hashes, and the copy, whole, is given back.
TEST_F(IngestPipelineTest, AReceivedCopyStandsForTheFile) {
  TestInstance t;  // 200x200 at 16 bits: larger than a file read whole
  t.sop_instance_uid = pixeldex::testing::UniqueUid();
  t.rows = t.columns = 200;
  const IngestRequest request = Incoming(t);
  std::ifstream in(request.incoming_path, std::ios::binary);
  const std::string file_bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(file_bytes.size(), 64u * 1024);
  ReceivedCopy copy;
  copy.bytes = file_bytes;
  // One byte of pixel data differs from the file's: the recorded hash says
  // which bytes were read.
  copy.bytes[copy.bytes.size() - 2] ^= 0x01;
  const std::string kept = copy.bytes;
  // The receiver's descriptor of the file, which the pipeline takes.
  copy.file = UniqueFd(::open(request.incoming_path.c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(copy.file.valid());

  auto outcome = pipeline_->Ingest(request, &copy);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(probe_.Scalar("SELECT sha256 FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            storage::Sha256Hex(kept));
  EXPECT_EQ(copy.bytes, kept);
  EXPECT_FALSE(copy.file.valid());
  EXPECT_EQ(outcome->thumbnail_status, ThumbnailStatus::kOk);
}

// A copy whose size is not the file's is not the file: the file is read.
TEST_F(IngestPipelineTest, AReceivedCopyOfAnotherSizeIsIgnored) {
  TestInstance t;
  t.sop_instance_uid = pixeldex::testing::UniqueUid();
  t.rows = t.columns = 200;
  const IngestRequest request = Incoming(t);
  auto file_hash = storage::Sha256OfFile(request.incoming_path);
  ASSERT_TRUE(file_hash.ok());
  ReceivedCopy copy;
  copy.bytes = std::string(100 * 1024, 'x');
  auto outcome = pipeline_->Ingest(request, &copy);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(probe_.Scalar("SELECT sha256 FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            *file_hash);
  EXPECT_EQ(copy.bytes, std::string(100 * 1024, 'x'));
}

// A bare data set, as a sender may send, that nests sequences one level
// deeper than the framing check allows, after `prefix`.
std::string TooDeeplyNested(const std::string& prefix = {}) {
  std::string nested = prefix;
  for (int i = 0; i < metadata::kMaxSequenceDepth + 1; ++i) {
    // (0040,A730) SQ of undefined length, holding an item of undefined length
    nested += std::string("\x40\x00\x30\xA7SQ\0\0\xFF\xFF\xFF\xFF", 12);
    nested += std::string("\xFE\xFF\x00\xE0\xFF\xFF\xFF\xFF", 8);
  }
  return nested;
}

// The framing check runs on the bytes read: a small file that nests too deep
// is refused before DCMTK parses it, and leaves nothing.
TEST_F(IngestPipelineTest, ASmallFileIsCheckedFromTheBytesRead) {
  IngestRequest request;
  request.incoming_path = store_.NewIncomingPath();
  std::ofstream(request.incoming_path, std::ios::binary) << TooDeeplyNested();
  ASSERT_LE(fs::file_size(request.incoming_path), 64u * 1024);
  auto outcome = pipeline_->Ingest(request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kCorruption) << outcome.status().ToString();
  EXPECT_TRUE(IncomingIsEmpty());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 0);
}

// So does it on a receiver's copy: a larger hostile data set (a 70 kB
// private OB value, then the nesting) taken from memory is refused the same.
TEST_F(IngestPipelineTest, AReceivedCopyIsCheckedBeforeItIsParsed) {
  IngestRequest request;
  request.incoming_path = store_.NewIncomingPath();
  const size_t length = 70 * 1024;                               // 0x00011800
  std::string ob("\x09\x00\x10\x10OB\0\0\x00\x18\x01\x00", 12);  // (0009,1010) OB
  ob.append(length, '\x01');
  ReceivedCopy copy;
  copy.bytes = TooDeeplyNested(ob);
  std::ofstream(request.incoming_path, std::ios::binary) << copy.bytes;
  ASSERT_GT(fs::file_size(request.incoming_path), 64u * 1024);
  auto outcome = pipeline_->Ingest(request, &copy);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kCorruption) << outcome.status().ToString();
  // The framing check's refusal, not DCMTK's.
  EXPECT_NE(outcome.status().message().find("nests sequences more than"), std::string::npos)
      << outcome.status().ToString();
  EXPECT_TRUE(IncomingIsEmpty());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM instances"), 0);
}

TEST_F(IngestPipelineTest, ThumbnailsCanBeDisabled) {
  IngestOptions options;
  options.thumbnails = false;
  pipeline_ = std::make_unique<IngestPipeline>(store_, *writer_, options);
  ASSERT_TRUE(pipeline_->Ingest(Incoming({})).ok());
  EXPECT_EQ(probe_.Scalar("SELECT status FROM thumbnails"), "disabled");
}

}  // namespace
}  // namespace pixeldex::ingest

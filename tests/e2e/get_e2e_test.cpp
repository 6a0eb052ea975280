// End-to-end C-GET with DCMTK's getscu: every level of both information
// models, UID lists, a compressed instance for a peer that accepts only
// uncompressed syntaxes, a missing file, a bad identifier, the retrieve
// permission and the history. C-CANCEL and a server stop during a C-GET are
// in get_client_e2e_test.cpp.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <fstream>

#include "tests/e2e/retrieve_fixture.h"

namespace pixeldex::testing {
namespace {

// The 16-bit native Pixel Data of a file, as its words.
std::vector<Uint16> PixelWords(const std::string& path) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return {};
  const Uint16* words = nullptr;
  unsigned long count = 0;
  if (file.getDataset()->findAndGetUint16Array(DCM_PixelData, words, &count).bad()) return {};
  return std::vector<Uint16>(words, words + count);
}

class GetE2eTest : public RetrieveTest {
 protected:
  std::string Key(const std::string& keyword, const std::string& value) const {
    return keyword + "=" + value;
  }

  struct Case {
    std::vector<std::string> keys;
    std::set<std::string> expected;
  };
  // One getscu per case in `model` ("-P" or "-S"), each into its own directory.
  void ExpectGets(const std::string& model, const std::vector<Case>& cases) {
    int n = 0;
    for (const Case& c : cases) {
      const std::string out = NewDir("get" + model + std::to_string(n++));
      auto r = GetScu(out, Keys(model, c.keys));
      EXPECT_EQ(r.exit_code, 0) << r.output;
      EXPECT_NE(r.output.find("Received C-GET Response (Success)"), std::string::npos) << r.output;
      ExpectReceived(out, c.expected);
    }
  }
};

TEST_F(GetE2eTest, PatientRootAtEveryLevel) {
  ExpectGets("-P", {
      {{"QueryRetrieveLevel=PATIENT", "PatientID=P1"}, {"a1", "a2", "a3", "b1"}},
      {{"QueryRetrieveLevel=STUDY", "PatientID=P1", Key("StudyInstanceUID", uid_["A"])},
       {"a1", "a2", "a3"}},
      {{"QueryRetrieveLevel=SERIES", "PatientID=P1", Key("StudyInstanceUID", uid_["A"]),
        Key("SeriesInstanceUID", uid_["A1"])},
       {"a1", "a2"}},
      {{"QueryRetrieveLevel=IMAGE", "PatientID=P2", Key("StudyInstanceUID", uid_["C"]),
        Key("SeriesInstanceUID", uid_["C1"]), Key("SOPInstanceUID", uid_["c1"])},
       {"c1"}},
  });
}

TEST_F(GetE2eTest, StudyRootAtEveryLevelWithUidLists) {
  ExpectGets("-S", {
      {{"QueryRetrieveLevel=STUDY", Key("StudyInstanceUID", uid_["B"] + "\\" + uid_["C"])},
       {"b1", "c1"}},
      {{"QueryRetrieveLevel=SERIES", Key("StudyInstanceUID", uid_["A"]),
        Key("SeriesInstanceUID", uid_["A2"] + "\\" + uid_["A1"])},
       {"a1", "a2", "a3"}},
      {{"QueryRetrieveLevel=IMAGE", Key("SOPInstanceUID", uid_["a2"] + "\\" + uid_["b1"])},
       {"a2", "b1"}},
  });
}

TEST_F(GetE2eTest, CompressedInstanceIsDecompressedForAnUncompressedPeer) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  t.study_uid = UniqueUid("1.");
  t.rows = t.columns = 32;
  const std::string plain = MakeInstance(t, "plain.dcm");
  const std::string rle = dir_ / "rle.dcm";
  auto converted = RunProcess({"dcmcrle", plain, rle});
  ASSERT_EQ(converted.exit_code, 0) << converted.output;
  auto stored = StoreScu({rle}, {"-xr"});
  ASSERT_EQ(stored.exit_code, 0) << stored.output;
  ASSERT_EQ(Index().Scalar("SELECT transfer_syntax_uid FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid}),
            "1.2.840.10008.1.2.5");

  // getscu's default proposals: uncompressed syntaxes only.
  const std::string out = NewDir("decompressed");
  auto r = GetScu(out, {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=" + t.study_uid});
  EXPECT_NE(r.output.find("Received C-GET Response (Success)"), std::string::npos) << r.output;
  const auto received = InstancesIn(out);
  ASSERT_EQ(received.count(t.sop_instance_uid), 1u) << r.output;
  DcmFileFormat got;
  ASSERT_TRUE(got.loadFile(received.at(t.sop_instance_uid).c_str()).good());
  EXPECT_EQ(got.getDataset()->getOriginalXfer(), EXS_LittleEndianExplicit);
  const std::vector<Uint16> pixels = PixelWords(received.at(t.sop_instance_uid));
  EXPECT_EQ(pixels.size(), 32u * 32u);
  EXPECT_EQ(pixels, PixelWords(plain));
  EXPECT_NE(server_->Log().find("1 converted"), std::string::npos) << server_->Log();
}

TEST_F(GetE2eTest, AnInstanceNoAcceptedSyntaxCanCarryFailsAndTheRestArrives) {
  // JPEG 2000 next to study B's uncompressed b1; DCMTK cannot decode it, and
  // getscu accepts uncompressed syntaxes only.
  TestInstance t;
  t.patient_id = "P1";
  t.study_uid = uid_["B"];
  t.series_uid = uid_["B1"];
  t.sop_instance_uid = uid_["j2k"] = UniqueUid("3.");
  const std::string j2k = dir_ / "j2k.dcm";
  WriteEncapsulatedInstance(j2k, t, EXS_JPEG2000LosslessOnly, "stored verbatim, never decoded");
  auto sent = RunProcess({"dcmsend", "-aet", "MODALITY", "-aec", "PIXELDEX", "-dn", "127.0.0.1",
                          server_->port_string(), j2k},
                         FastClientEnv());
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  const std::string out = NewDir("j2k");
  auto r = GetScu(out, {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + uid_["B"]});
  EXPECT_NE(r.output.find("SubOperationsCompleteOneOrMoreFailures"), std::string::npos) << r.output;
  ExpectReceived(out, {"b1"});
  EXPECT_NE(server_->Log().find("cannot send " + uid_["j2k"] +
                                ": no accepted transfer syntax can carry an instance stored in "
                                "JPEG 2000"),
            std::string::npos)
      << server_->Log();
}

TEST_F(GetE2eTest, AMissingFileIsAFailedSubOperationAndTheRestArrives) {
  std::filesystem::remove(StoredFile("a2"));
  const std::string out = NewDir("missing");
  auto r = GetScu(out, {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=" + uid_["A"]});
  // B000: sub-operations complete, one or more failures.
  EXPECT_NE(r.output.find("SubOperationsCompleteOneOrMoreFailures"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Number of Completed Suboperations : 2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Number of Failed Suboperations    : 1"), std::string::npos) << r.output;
  ExpectReceived(out, {"a1", "a3"});
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'retrieve_failed' AND "
                          "sop_instance_uid = ? AND detail LIKE '%missing%'",
                          {uid_["a2"]}),
            1);
  // The server is still serving.
  auto echo = RunProcess({"echoscu", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string()});
  EXPECT_EQ(echo.exit_code, 0) << echo.output;
}

TEST_F(GetE2eTest, AStoredZeroPaddedFileIsRefusedBeforeItIsParsed) {
  // A file stored before data sets were checked, or changed since: zero
  // bytes would cost DCMTK ~0.3 s per MB at every retrieve.
  std::ofstream(StoredFile("a2"), std::ios::binary | std::ios::app) << std::string(1 << 20, '\0');
  const std::string out = NewDir("padded");
  auto r = GetScu(out, {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=" + uid_["A"]});
  EXPECT_NE(r.output.find("Number of Failed Suboperations    : 1"), std::string::npos) << r.output;
  ExpectReceived(out, {"a1", "a3"});
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'retrieve_failed' AND "
                          "sop_instance_uid = ? AND detail LIKE '%group 0000%'",
                          {uid_["a2"]}),
            1);
}

TEST_F(GetE2eTest, InstancesImportedInPlaceFromOutsideTheRootAreRetrievedAndChecked) {
  // pixeldex import --in-place records files outside the root by absolute
  // path; C-GET answered A702 "not below the storage root" for them.
  const std::string outside = NewDir("outside");
  TestInstance t;
  t.study_uid = UniqueUid("1.");
  t.sop_instance_uid = UniqueUid("3.");
  WriteTestInstance(outside + "/o1.dcm", t);
  const std::vector<std::string> archive = {"--storage", dir_ / "storage", "--index",
                                            dir_ / "index.db"};
  auto pixeldex = [&](const std::string& command, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PIXELDEX_BINARY, command};
    argv.insert(argv.end(), archive.begin(), archive.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  };
  auto imported = pixeldex("import", {"--in-place", outside});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  ASSERT_EQ(Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid}),
            outside + "/o1.dcm");  // recorded by absolute path

  const std::string out = NewDir("got-outside");
  auto r = GetScu(out, {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                        "StudyInstanceUID=" + t.study_uid});
  EXPECT_NE(r.output.find("Received C-GET Response (Success)"), std::string::npos) << r.output;
  const auto received = InstancesIn(out);
  ASSERT_EQ(received.count(t.sop_instance_uid), 1u) << r.output << server_->Log();
  EXPECT_EQ(DatasetBytes(received.at(t.sop_instance_uid)), DatasetBytes(outside + "/o1.dcm"));

  auto checked = pixeldex("check", {});
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("6 rows (1 of files outside the storage root, checked too)"),
            std::string::npos)
      << checked.output;
}

TEST_F(GetE2eTest, BadIdentifiersAreRefusedWithA900) {
  const std::vector<std::vector<std::string>> bad = {
      {"-S", "-k", "QueryRetrieveLevel=STUDY"},                           // no unique key
      {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=1.2.*"},  // wildcard
      {"-S", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=P1"},    // not in Study Root
  };
  for (const auto& args : bad) {
    auto r = GetScu(NewDir("bad"), args);
    EXPECT_NE(r.output.find("DataSetDoesNotMatchSOPClass"), std::string::npos) << r.output;
  }
  EXPECT_NE(server_->Log().find("status 0xA900"), std::string::npos) << server_->Log();
}

TEST_F(GetE2eTest, RetrievesAreRecordedInTheHistory) {
  auto r = GetScu(NewDir("history"), {"-S", "-k", "QueryRetrieveLevel=SERIES", "-k",
                                      "SeriesInstanceUID=" + uid_["A1"]});
  ASSERT_NE(r.output.find("Received C-GET Response (Success)"), std::string::npos) << r.output;
  const auto rows = Index().Rows(
      "SELECT calling_aet, status_code, detail FROM events WHERE kind = 'retrieve'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "VIEWER");
  EXPECT_EQ(rows[0][1], "0");
  EXPECT_NE(rows[0][2].find("C-GET SERIES " + uid_["A1"]), std::string::npos) << rows[0][2];
  EXPECT_NE(rows[0][2].find("2 completed"), std::string::npos) << rows[0][2];
}

class GetPermissionE2eTest : public RetrieveTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    // VIEWER may retrieve but not store: the SCP role it takes for C-GET
    // does not let it store.
    return {"--set", "access.retrieve_callers=VIEWER", "--set", "access.store_callers=MODALITY"};
  }
};

TEST_F(GetPermissionE2eTest, OnlyRetrieveCallersMayGet) {
  auto get = [&](const std::string& aet, const std::string& out) {
    return RunProcess({"getscu", "-v", "-aet", aet, "-aec", "PIXELDEX", "-od", out, "-S", "-k",
                       "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + uid_["B"],
                       "127.0.0.1", server_->port_string()},
                      FastClientEnv());
  };
  auto refused = get("OTHER", NewDir("other"));
  EXPECT_EQ(refused.output.find("Received C-GET Response (Success)"), std::string::npos)
      << refused.output;
  ExpectReceived(dir_ / "other", {});
  auto allowed = get("VIEWER", NewDir("viewer"));
  EXPECT_NE(allowed.output.find("Received C-GET Response (Success)"), std::string::npos)
      << allowed.output;
  EXPECT_EQ(InstancesIn(dir_ / "viewer").size(), 1u);
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  auto store = RunProcess({"storescu", "-aet", "VIEWER", "-aec", "PIXELDEX", "127.0.0.1",
                           server_->port_string(), MakeInstance(t, "from_viewer.dcm")},
                          FastClientEnv());
  EXPECT_NE(store.exit_code, 0) << store.output;
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid = ?",
                          {t.sop_instance_uid}),
            0);
}

}  // namespace
}  // namespace pixeldex::testing

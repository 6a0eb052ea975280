// End-to-end: every common transfer syntax is accepted and stored exactly as
// sent (no transcoding), with the syntax recorded in the index. Compressed
// test files are made with DCMTK's own encoders.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include <map>
#include <regex>

#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

class TransferSyntaxE2eTest : public ServerTest {
 protected:
  // A fresh instance (8-bit when `eight_bit`, for JPEG baseline) at `name`.
  std::string Base(const std::string& name, bool eight_bit, TestInstance* out) {
    TestInstance t;
    t.study_uid = study_uid_;
    t.series_uid = series_uid_;
    t.sop_instance_uid = UniqueUid("3.");
    t.rows = 64;
    t.columns = 64;
    if (eight_bit) t.bits_allocated = 8;
    *out = t;
    return MakeInstance(t, name);
  }

  // Runs a DCMTK tool that converts `in` into `out`.
  void Convert(const std::vector<std::string>& tool, const std::string& in, const std::string& out) {
    std::vector<std::string> argv = tool;
    argv.push_back(in);
    argv.push_back(out);
    auto r = RunProcess(argv);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  std::string study_uid_ = UniqueUid("1.");
  std::string series_uid_ = UniqueUid("2.");
};

TEST_F(TransferSyntaxE2eTest, EveryCommonSyntaxIsStoredExactlyAsSent) {
  struct Case {
    std::string name;
    std::vector<std::string> tool;  // empty: written directly
    E_TransferSyntax direct = EXS_LittleEndianExplicit;
    bool eight_bit = false;
    std::string syntax;
  };
  const std::vector<Case> cases = {
      {"explicit_le", {}, EXS_LittleEndianExplicit, false, "1.2.840.10008.1.2.1"},
      {"deflated", {"dcmconv", "+td"}, {}, false, "1.2.840.10008.1.2.1.99"},
      // +un: keep the SOP Instance UID although the compression is lossy.
      {"jpeg_baseline", {"dcmcjpeg", "+eb", "+un"}, {}, true, "1.2.840.10008.1.2.4.50"},
      {"jpeg_lossless_sv1", {"dcmcjpeg", "+e1"}, {}, false, "1.2.840.10008.1.2.4.70"},
      {"jpeg_lossless", {"dcmcjpeg", "+el"}, {}, false, "1.2.840.10008.1.2.4.57"},
      {"jpegls_lossless", {"dcmcjpls", "+el"}, {}, false, "1.2.840.10008.1.2.4.80"},
      {"jpegls_near", {"dcmcjpls", "+en", "+un"}, {}, false, "1.2.840.10008.1.2.4.81"},
      {"rle", {"dcmcrle"}, {}, false, "1.2.840.10008.1.2.5"},
  };
  std::map<std::string, std::string> sop_by_file;
  std::vector<std::string> files;
  for (const Case& c : cases) {
    TestInstance t;
    std::string path;
    if (c.tool.empty()) {
      t.study_uid = study_uid_;
      t.series_uid = series_uid_;
      t.sop_instance_uid = UniqueUid("3.");
      t.rows = t.columns = 64;
      path = MakeInstance(t, c.name + ".dcm", c.direct);
    } else {
      const std::string raw = Base(c.name + "_raw.dcm", c.eight_bit, &t);
      path = dir_ / (c.name + ".dcm");
      Convert(c.tool, raw, path);
    }
    files.push_back(path);
    sop_by_file[path] = t.sop_instance_uid;
  }
  // JPEG 2000 and MPEG-2: no DCMTK encoder, so an encapsulated payload is
  // written directly; storage must not care what is inside.
  for (const auto& [name, xfer] : std::vector<std::pair<std::string, E_TransferSyntax>>{
           {"j2k_lossless", EXS_JPEG2000LosslessOnly},
           {"j2k", EXS_JPEG2000},
           {"mpeg2", EXS_MPEG2MainProfileAtMainLevel}}) {
    TestInstance t;
    t.study_uid = study_uid_;
    t.series_uid = series_uid_;
    t.sop_instance_uid = UniqueUid("3.");
    const std::string path = dir_ / (name + ".dcm");
    WriteEncapsulatedInstance(path, t, xfer, "not really a codestream, but stored verbatim");
    files.push_back(path);
    sop_by_file[path] = t.sop_instance_uid;
  }

  // One association per file; dcmsend proposes each file's own syntax and,
  // with -dn, never decompresses, so the server has to take it as it is.
  for (const std::string& file : files) {
    auto r = RunProcess({"dcmsend", "-aet", "MODALITY", "-aec", "PIXELDEX", "-dn", "127.0.0.1",
                         server_->port_string(), file},
                        FastClientEnv());
    ASSERT_EQ(r.exit_code, 0) << file << "\n" << r.output << server_->Log();
  }

  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const std::string sop = sop_by_file[file];
    auto rows = Index().Rows("SELECT transfer_syntax_uid, path FROM instances WHERE sop_instance_uid = ?",
                             {sop});
    ASSERT_EQ(rows.size(), 1u) << server_->Log();
    DcmFileFormat original;
    ASSERT_TRUE(original.loadFile(file.c_str()).good());
    OFString syntax;
    original.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, syntax);
    EXPECT_EQ(rows[0][0], syntax.c_str());
    // A deflated data set is re-deflated by the sender, so only the others
    // can be compared byte for byte.
    if (rows[0][0] != "1.2.840.10008.1.2.1.99") {
      EXPECT_TRUE(DatasetBytes(StoragePath(rows[0][1])) == DatasetBytes(file));
    }
  }
  // The expected syntaxes really were exercised.
  for (const Case& c : cases) {
    EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE transfer_syntax_uid = ?",
                            {c.syntax}),
              1)
        << c.name;
  }
}

// A sender that offers its compressed syntax first, with uncompressed ones as
// fallback in the same context (dcmsend's default), keeps its encoding: the
// server picks the compressed syntax, the sender does not transcode.
TEST_F(TransferSyntaxE2eTest, SendersCompressedFirstChoiceIsKept) {
  TestInstance t;
  const std::string raw = Base("jls_raw.dcm", false, &t);
  const std::string file = dir_ / "jls.dcm";
  Convert({"dcmcjpls", "+el"}, raw, file);
  auto r = RunProcess({"dcmsend", "-v", "-aec", "PIXELDEX", "127.0.0.1", server_->port_string(),
                       file},
                      FastClientEnv());
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  EXPECT_EQ(r.output.find("Converting transfer syntax"), std::string::npos) << r.output;
  auto rows = Index().Rows("SELECT transfer_syntax_uid, path FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1.2.840.10008.1.2.4.80");
  EXPECT_TRUE(DatasetBytes(StoragePath(rows[0][1])) == DatasetBytes(file));
}

// Of several uncompressed syntaxes, Explicit VR Little Endian is chosen
// whatever the sender's order.
TEST_F(TransferSyntaxE2eTest, ExplicitLittleEndianIsPreferredAmongUncompressed) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string file = MakeInstance(t, "big_first.dcm");
  // -xb: all uncompressed syntaxes in one context, Explicit VR Big Endian first.
  auto r = StoreScu({file}, {"-xb"});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  auto rows = Index().Rows("SELECT transfer_syntax_uid FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1.2.840.10008.1.2.1");
}

// Implicit VR Little Endian, when it is all the sender offers, is taken as is.
TEST_F(TransferSyntaxE2eTest, ImplicitLittleEndianOnlyIsStoredImplicit) {
  TestInstance t;
  t.sop_instance_uid = UniqueUid("3.");
  const std::string file = MakeInstance(t, "implicit.dcm", EXS_LittleEndianImplicit);
  auto r = StoreScu({file}, {"-xi"});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  auto rows = Index().Rows("SELECT transfer_syntax_uid, path FROM instances WHERE sop_instance_uid = ?",
                           {t.sop_instance_uid});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1.2.840.10008.1.2");
  EXPECT_TRUE(DatasetBytes(StoragePath(rows[0][1])) == DatasetBytes(file));
}

// Before: a sender whose contexts were all refused left only "0 stored, 0
// failed" in the log, even at debug.
TEST_F(TransferSyntaxE2eTest, RejectedPresentationContextsAreLoggedWithTheirReasons) {
  // A query model pixeldex does not serve: every context refused.
  auto worklist = RunProcess({"findscu", "-W", "-aet", "RIS", "-aec", "PIXELDEX", "-k",
                              "PatientName", "127.0.0.1", server_->port_string()},
                             FastClientEnv());
  EXPECT_NE(worklist.exit_code, 0);
  ASSERT_TRUE(server_->WaitForLog("association RIS -> PIXELDEX")) << server_->Log();
  const std::string log = server_->Log();
  EXPECT_TRUE(std::regex_search(
      log, std::regex("association RIS -> PIXELDEX from 127\\.0\\.0\\.1[^ ]*: 1 of 1 presentation "
                      "contexts rejected: #1 FINDModalityWorklistInformationModel "
                      "\\(1\\.2\\.840\\.10008\\.5\\.1\\.4\\.31\\) in \\[.*\\(1\\.2\\.840\\."
                      "10008\\.1\\.2\\.1\\).*\\]: abstract syntax not supported")))
      << log;
}

}  // namespace
}  // namespace pixeldex::testing

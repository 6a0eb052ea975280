// Fidelity to what the files say, end to end with the real binary and
// DCMTK's clients: names in every character set decoded to UTF-8 in the
// index, the DICOM JSON and C-FIND answers, and matched by C-FIND queries
// sent in any character set (PS3.5 6.1); patient identity (PS3.3 C.7.1.1);
// and the same verdict and rows from `pixeldex import` and C-STORE for a set
// of odd files (UN-encoded UIDs, PS3.5 6.2.2; odd character sets; empty
// Patient ID; missing attributes; other transfer syntaxes).

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/e2e/dicomweb_users.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"

namespace pixeldex::testing {
namespace {

struct Name {
  std::string charset;  // (0008,0005) as written
  std::string bytes;    // Patient Name as written
  std::string utf8;     // what the archive must say
};

// PS3.5 Annexes H, I, J and single-byte examples.
const std::vector<Name>& Names() {
  static const std::vector<Name> names = {
      {"\\ISO 2022 IR 87",
       "Yamada^Tarou=\x1b$B\x3b\x33\x45\x44\x1b(B^\x1b$B\x42\x40\x4f\x3a\x1b(B="
       "\x1b$B\x24\x64\x24\x5e\x24\x40\x1b(B^\x1b$B\x24\x3f\x24\x6d\x24\x26\x1b(B",
       "Yamada^Tarou=山田^太郎=やまだ^たろう"},
      {"ISO 2022 IR 13\\ISO 2022 IR 87",
       "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B\x3b\x33\x45\x44\x1b(J^\x1b$B\x42\x40\x4f\x3a\x1b(J="
       "\x1b$B\x24\x64\x24\x5e\x24\x40\x1b(J^\x1b$B\x24\x3f\x24\x6d\x24\x26\x1b(J",
       "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"},
      {"\\ISO 2022 IR 149",
       "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf",
       "Hong^Gildong=洪^吉洞=홍^길동"},
      {"GB18030", "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\x96\x7c=", "Wang^XiaoDong=王^小東="},
      {"\\ISO 2022 IR 58", "Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=",
       "Zhang^XiaoDong=张^小东="},
      {"ISO_IR 126", "\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2", "Διονυσιος"},
      {"ISO_IR 144", "\xbb\xee\xda\xe1\xd5\xdc\xd1\xe3\xe0\xd3", "Люксембург"},
      {"ISO_IR 127", "\xe2\xc8\xc7\xe6\xea^\xe6\xd2\xc7\xd1", "قباني^نزار"},
      {"ISO_IR 138", "\xf9\xf8\xe5\xef^\xe3\xe1\xe5\xf8\xe4", "שרון^דבורה"},
      {"ISO_IR 100", "Buc^J\xe9r\xf4me", "Buc^Jérôme"},
      {"ISO_IR 192", "Wang^XiaoDong=王^小東=", "Wang^XiaoDong=王^小東="},
  };
  return names;
}

class FidelityE2eTest : public ServerTest {
 protected:
  std::string NameOf(const std::string& sop_instance_uid) {
    return Index().Scalar("SELECT patient_name FROM instance_details WHERE sop_instance_uid = ?1",
                          {sop_instance_uid});
  }
};

TEST_F(FidelityE2eTest, EveryCharacterSetIsDecodedInIndexJsonAndFind) {
  std::vector<std::string> files;
  std::vector<std::string> uids;
  for (const Name& name : Names()) {
    TestInstance t;
    t.specific_character_set = name.charset;
    t.patient_name = name.bytes;
    t.patient_id = "CS-" + std::to_string(files.size());
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    uids.push_back(t.sop_instance_uid);
    files.push_back(MakeInstance(t, "cs" + std::to_string(files.size()) + ".dcm"));
  }
  auto r = StoreScu(files);
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  for (size_t k = 0; k < Names().size(); ++k) {
    EXPECT_EQ(NameOf(uids[k]), Names()[k].utf8) << Names()[k].charset;
    EXPECT_EQ(Index().Scalar("SELECT json_extract(h.json, '$.\"00100010\".Value[0].Alphabetic') "
                             "FROM headers h JOIN instances i USING (instance_pk) "
                             "WHERE i.sop_instance_uid = ?1",
                             {uids[k]}),
              Names()[k].utf8.substr(0, Names()[k].utf8.find('=')))
        << Names()[k].charset;
  }
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'text_undecodable'"), 0);

  // A UTF-8 query, and the same query in ISO 2022 IR 87, find both Yamadas.
  const std::set<std::string> yamadas = {Names()[0].utf8, Names()[1].utf8};
  auto utf8 = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "SpecificCharacterSet=ISO_IR 192",
                    "-k", "PatientName=*山田*", "-k", "StudyInstanceUID"},
                   &r);
  EXPECT_EQ(Values(utf8, DCM_PatientName), yamadas) << r.output << server_->Log();
  auto jis = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                   "SpecificCharacterSet=\\ISO 2022 IR 87", "-k",
                   "PatientName=*\x1b$B\x3b\x33\x45\x44\x1b(B*", "-k", "StudyInstanceUID"},
                  &r);
  EXPECT_EQ(Values(jis, DCM_PatientName), yamadas) << r.output << server_->Log();
  auto korean = Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                      "SpecificCharacterSet=\\ISO 2022 IR 149", "-k",
                      "PatientName=*\x1b$)C\xfb\xf3*"},
                     &r);
  EXPECT_EQ(Values(korean, DCM_PatientName), std::set<std::string>{Names()[2].utf8})
      << r.output << server_->Log();
  for (const auto& response : utf8) {
    OFString charset;
    response->findAndGetOFStringArray(DCM_SpecificCharacterSet, charset);
    EXPECT_EQ(charset, "ISO_IR 192");
  }
}

// PS3.3 C.7.1.1: an empty Patient ID joins nobody; each study answers with
// the patient attributes its own instances carry.
TEST_F(FidelityE2eTest, StudiesWithoutPatientIdKeepTheirOwnPatient) {
  std::vector<std::string> files;
  std::vector<std::string> studies;
  for (const char* name : {"Anonymized", "Last Name^First Name", "Test^S R", ""}) {
    TestInstance t;
    t.patient_id = "";
    t.patient_name = name;
    t.study_uid = UniqueUid("1.");
    studies.push_back(t.study_uid);
    t.series_uid = UniqueUid("2.");
    for (int i = 0; i < 2; ++i) {
      t.sop_instance_uid = UniqueUid("3.");
      files.push_back(MakeInstance(t, "anon" + std::to_string(files.size()) + ".dcm"));
    }
  }
  auto r = StoreScu(files);
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  auto responses =
      Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientName", "-k", "PatientID",
            "-k", "StudyInstanceUID"},
           &r);
  ASSERT_EQ(responses.size(), 4u) << r.output << server_->Log();
  std::set<std::pair<std::string, std::string>> answered;
  for (const auto& response : responses) {
    OFString uid, name;
    response->findAndGetOFStringArray(DCM_StudyInstanceUID, uid);
    response->findAndGetOFStringArray(DCM_PatientName, name);
    answered.insert({uid.c_str(), name.c_str()});
  }
  EXPECT_EQ(answered, (std::set<std::pair<std::string, std::string>>{
                          {studies[0], "Anonymized"},
                          {studies[1], "Last Name^First Name"},
                          {studies[2], "Test^S R"},
                          {studies[3], ""}}));
  EXPECT_EQ(Index().Rows("SELECT study_instance_uid, coalesce(patient_name, ''), count(*) "
                         "FROM instance_details GROUP BY 1 ORDER BY 2"),
            (std::vector<Row>{{studies[3], "", "2"},
                              {studies[0], "Anonymized", "2"},
                              {studies[1], "Last Name^First Name", "2"},
                              {studies[2], "Test^S R", "2"}}));
  EXPECT_EQ(Index().Count("SELECT count(*) FROM patients"), 4);
  // The same Patient ID is one patient.
  TestInstance t;
  t.patient_id = "SHARED";
  t.study_uid = UniqueUid("1.");
  t.sop_instance_uid = UniqueUid("3.");
  TestInstance u = t;
  u.study_uid = UniqueUid("1.");
  u.series_uid = UniqueUid("2.");
  u.sop_instance_uid = UniqueUid("3.");
  r = StoreScu({MakeInstance(t, "shared1.dcm"), MakeInstance(u, "shared2.dcm")});
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();
  EXPECT_EQ(Index().Count("SELECT count(*) FROM patients WHERE patient_id = 'SHARED'"), 1);
}

// Studies sharing a Patient ID, as anonymized corpora have them: empty, or
// one non-empty ID for people whose files give other names. Each study
// answers C-FIND and QIDO-RS at the study level with the patient attributes
// its own files carry (PS3.4 C.6.2.1.2), and a name selects only the studies
// whose files say it; the index's views say the same.
class SharedPatientIdE2eTest : public FidelityE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0", "--set", UsersSetting()};
  }

  struct Own {
    std::string name, birth_date, sex;
    bool operator==(const Own&) const = default;
  };

  // Study Instance UID -> its patient attributes, in findscu's answers.
  std::map<std::string, Own> FindStudies(const std::vector<std::string>& keys) {
    std::vector<std::string> args = {"-S", "-k", "QueryRetrieveLevel=STUDY", "-k",
                                     "StudyInstanceUID", "-k", "PatientBirthDate", "-k",
                                     "PatientSex", "-k", "PatientID"};
    for (const std::string& key : keys) {
      args.push_back("-k");
      args.push_back(key);
    }
    ProcessResult r;
    std::map<std::string, Own> answered;
    for (const auto& response : Find(args, &r)) {
      OFString uid, name, birth_date, sex;
      response->findAndGetOFStringArray(DCM_StudyInstanceUID, uid);
      response->findAndGetOFStringArray(DCM_PatientName, name);
      response->findAndGetOFStringArray(DCM_PatientBirthDate, birth_date);
      response->findAndGetOFStringArray(DCM_PatientSex, sex);
      answered[uid.c_str()] = {name.c_str(), birth_date.c_str(), sex.c_str()};
    }
    EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
    return answered;
  }

  // Study Instance UID -> Patient's Name, in a QIDO-RS answer.
  std::map<std::string, std::string> QidoStudies(const std::string& query) {
    const HttpReply reply =
        HttpRequest(server_->http_port(), "GET", "/dicom-web/studies" + query,
                    {"Authorization: " + BasicAuthorization("bob", "builder")});
    std::map<std::string, std::string> answered;
    if (reply.status == 204) return answered;
    EXPECT_EQ(reply.status, 200) << reply.body;
    for (const auto& match : nlohmann::json::parse(reply.body)) {
      const auto& name = match.at("00100010");
      answered[match.at("0020000D").at("Value").at(0).get<std::string>()] =
          name.contains("Value") ? name.at("Value").at(0).at("Alphabetic").get<std::string>() : "";
    }
    return answered;
  }
};

TEST_F(SharedPatientIdE2eTest, EachStudyAnswersWithItsOwnPatientAttributes) {
  const Own owns[] = {{"Anonymized", "19700101", "O"},
                      {"Last Name^First Name", "19800202", "F"},
                      {"Test^S R", "19900303", "M"}};
  std::map<std::string, Own> expected;
  std::map<std::string, std::string> expected_names;
  std::vector<std::string> files;
  for (const char* patient_id : {"", "ANON"}) {
    for (const Own& own : owns) {
      TestInstance t;
      t.patient_id = patient_id;
      t.patient_name = own.name;
      t.birth_date = own.birth_date;
      t.sex = own.sex;
      t.study_uid = UniqueUid("1.");
      t.series_uid = UniqueUid("2.");
      expected[t.study_uid] = own;
      expected_names[t.study_uid] = own.name;
      const auto made = MakeInstances(t, 2, "shared" + std::to_string(files.size()) + "_");
      files.insert(files.end(), made.begin(), made.end());
    }
  }
  auto r = StoreScu(files);
  ASSERT_EQ(r.exit_code, 0) << r.output << server_->Log();

  EXPECT_EQ(FindStudies({"PatientName"}), expected);
  EXPECT_EQ(QidoStudies("?includefield=00100010"), expected_names);
  // A name selects the studies whose files carry it, one per Patient ID.
  const auto by_name = FindStudies({"PatientName=Test^S R"});
  EXPECT_EQ(by_name.size(), 2u);
  for (const auto& [uid, own] : by_name) EXPECT_EQ(own, owns[2]) << uid;
  EXPECT_EQ(FindStudies({"PatientName=Last*", "PatientID=ANON"}).size(), 1u);
  const auto qido_by_name = QidoStudies("?PatientName=Test%5ES%20R");
  EXPECT_EQ(qido_by_name.size(), 2u);
  for (const auto& [uid, name] : qido_by_name) EXPECT_EQ(name, "Test^S R") << uid;
  // The views say what the answers say.
  for (const auto& [uid, own] : expected) {
    EXPECT_EQ(Index().Rows("SELECT DISTINCT patient_name, patient_birth_date, patient_sex "
                           "FROM instance_details WHERE study_instance_uid = ?1",
                           {uid}),
              (std::vector<Row>{{own.name, own.birth_date, own.sex}}));
    EXPECT_EQ(Index().Scalar("SELECT patient_name FROM study_summary "
                             "WHERE study_instance_uid = ?1",
                             {uid}),
              own.name);
  }
  // One patient for the non-empty ID, one per study without (PS3.3 C.7.1.1).
  EXPECT_EQ(Index().Count("SELECT count(*) FROM patients"), 4);
}

// Loads `path`, deletes `tags` from its data set and writes it back.
void DeleteAttributes(const std::string& path, const std::vector<DcmTagKey>& tags) {
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  const E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  for (const DcmTagKey& tag : tags) file.getDataset()->findAndDeleteElement(tag);
  ASSERT_TRUE(file.saveFile(path.c_str(), xfer).good());
}

// Every column the index derives from a file, minus the facts of its
// reception (source, calling_aet, called_aet, peer_address, received_at), of
// the file (path, size_bytes, sha256, file_mtime), and its transfer syntax:
// over the network an uncompressed file is stored as Explicit VR Little
// Endian (the syntax pixeldex accepts first), by import as it is.
const char* kDerivedColumns =
    "SELECT i.sop_instance_uid, i.sop_class_uid, i.instance_number, "
    "i.rows, i.columns, i.number_of_frames, i.content_date, i.content_time, "
    "i.specific_character_set, se.series_instance_uid, se.modality, se.series_number, "
    "se.series_description, se.body_part_examined, se.series_date, se.series_time, "
    "se.manufacturer, se.institution_name, se.station_name, st.study_instance_uid, "
    "st.study_date, st.study_time, st.accession_number, st.study_id, st.study_description, "
    "st.referring_physician_name, st.number_of_series, st.number_of_instances, "
    "st.modalities_in_study, p.patient_id, p.issuer_of_patient_id, p.patient_name, "
    "p.patient_birth_date, p.patient_sex, h.json, t.status, t.width, t.height, hex(t.png) "
    "FROM instances i JOIN series se USING (series_pk) JOIN studies st USING (study_pk) "
    "JOIN patients p USING (patient_pk) JOIN headers h USING (instance_pk) "
    "JOIN thumbnails t USING (instance_pk) ORDER BY i.sop_instance_uid";
const std::vector<std::string> kDerivedNames = {
    "sop_instance_uid", "sop_class_uid", "instance_number", "rows",
    "columns", "number_of_frames", "content_date", "content_time", "specific_character_set",
    "series_instance_uid", "modality", "series_number", "series_description",
    "body_part_examined", "series_date", "series_time", "manufacturer", "institution_name",
    "station_name", "study_instance_uid", "study_date", "study_time", "accession_number",
    "study_id", "study_description", "referring_physician_name", "number_of_series",
    "number_of_instances", "modalities_in_study", "patient_id", "issuer_of_patient_id",
    "patient_name", "patient_birth_date", "patient_sex", "json", "thumbnail status",
    "thumbnail width", "thumbnail height", "png"};

// The README's promise: a file imported and the same file received by
// C-STORE give the same verdict and the same rows.
TEST_F(FidelityE2eTest, ImportAndCStoreAgreeOnOddFiles) {
  const std::string folder = dir_ / "odd";
  std::filesystem::create_directories(folder);
  std::vector<std::string> files;
  auto add = [&](TestInstance t, const std::string& name,
                 E_TransferSyntax xfer = EXS_LittleEndianExplicit) {
    t.study_uid = UniqueUid("1.");
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = UniqueUid("3.");
    // One patient per file: a patient's row holds what its latest instance
    // said, and import and C-STORE receive the files in different orders.
    if (!t.patient_id.empty()) t.patient_id = "ODD-" + name;
    const std::string path = folder + "/" + name + ".dcm";
    WriteTestInstance(path, t, xfer);
    files.push_back(path);
    return path;
  };
  TestInstance un;
  un.uids_as_un = true;
  add(un, "un_uids");
  for (size_t k = 0; k < Names().size(); k += 2) {
    TestInstance t;
    t.specific_character_set = Names()[k].charset;
    t.patient_name = Names()[k].bytes;
    add(t, "charset" + std::to_string(k));
  }
  TestInstance undeclared;
  undeclared.patient_name = "M\xfcller^Hans";  // Latin-1, no character set declared
  add(undeclared, "undeclared_latin1");
  TestInstance unknown_charset;
  unknown_charset.specific_character_set = "ISO_IR 999";
  unknown_charset.patient_name = "Caf\xe9";
  add(unknown_charset, "unknown_charset");
  for (const char* name : {"First^Anonymous", "Second^Anonymous"}) {
    TestInstance t;
    t.patient_id = "";
    t.patient_name = name;
    add(t, std::string("empty_pid_") + name);
  }
  DeleteAttributes(add({}, "missing_optional"),
                   {DCM_PatientName, DCM_PatientID, DCM_StudyDate, DCM_StudyTime,
                    DCM_AccessionNumber, DCM_Modality, DCM_SeriesNumber, DCM_InstanceNumber});
  add({}, "implicit_le", EXS_LittleEndianImplicit);
  add({}, "explicit_be", EXS_BigEndianExplicit);
  add({}, "deflated", EXS_DeflatedLittleEndianExplicit);

  auto imported = RunProcess({PIXELDEX_BINARY, "import", "--storage", dir_ / "imported/storage",
                              "--index", dir_ / "imported/index.db", folder});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  // dcmsend (as the issue's user did): it names each instance from the
  // File Meta Information, so it sends the UN-encoded file too.
  std::vector<std::string> argv = {"dcmsend", "-aet", "MODALITY", "-aec", "PIXELDEX", "-nh",
                                   "-dn", "127.0.0.1", server_->port_string()};
  argv.insert(argv.end(), files.begin(), files.end());
  auto sent = RunProcess(argv, FastClientEnv());
  ASSERT_EQ(sent.exit_code, 0) << sent.output << server_->Log();

  const auto received = Index().Rows(kDerivedColumns);
  const auto from_import = IndexProbe(dir_ / "imported/index.db").Rows(kDerivedColumns);
  ASSERT_EQ(received.size(), files.size()) << server_->Log();
  ASSERT_EQ(from_import.size(), files.size()) << imported.output;
  for (size_t r = 0; r < received.size(); ++r) {
    ASSERT_EQ(received[r].size(), kDerivedNames.size());
    for (size_t c = 0; c < kDerivedNames.size(); ++c) {
      EXPECT_EQ(from_import[r][c], received[r][c])
          << kDerivedNames[c] << " of " << received[r][0];
    }
  }
  // The UN-encoded UIDs are read as UIDs, and every text value is UTF-8.
  EXPECT_EQ(Index().Count("SELECT count(*) FROM instances WHERE sop_instance_uid LIKE '%\\%' "
                          "OR path LIKE 'x%'"),
            0);
  EXPECT_EQ(Index().Rows("SELECT d.patient_name FROM events e JOIN instance_details d "
                         "USING (sop_instance_uid) WHERE e.kind = 'text_undecodable' ORDER BY 1"),
            (std::vector<Row>{{"Caf\xEF\xBF\xBD"}, {"M\xEF\xBF\xBDller^Hans"}}));
}

}  // namespace
}  // namespace pixeldex::testing

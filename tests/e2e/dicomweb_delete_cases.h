#pragma once
// End-to-end DICOMweb DELETE of a study, a series and an instance with the
// real binary over loopback HTTP: only a user that may write deletes (401
// without credentials, 403 for a read-only user, nothing deleted), unknown
// or mismatched UIDs are 404, a malformed one 400; a delete answers 204 with
// no content, and at once the files are gone, findscu and QIDO-RS no longer
// find what went, what else was stored is untouched, and each instance is an
// event `deleted` naming the user and the resource. A resource of a
// protected study is refused with 409 Conflict, nothing deleted, the
// refusal logged with the user and the UIDs as fields.
//
// The cases run on either index (BackendServerTest): dicomweb_delete_e2e_test
// instantiates them on SQLite, tests/postgres/pg_lifecycle_e2e_test on
// PostgreSQL.

#include <dcmtk/dcmdata/dcdeftag.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/dicomweb_users.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"

namespace pixeldex::testing {

namespace fs = std::filesystem;
using nlohmann::json;

class DicomwebDeleteE2eTest : public BackendServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--http", "127.0.0.1:0", "--set", UsersSetting()};
  }

  // Two studies: `study_` with series `series_a_` (2 instances) and
  // `series_b_` (1), and `other_study_` (1 instance), stored by storescu.
  void SetUp() override {
    BackendServerTest::SetUp();
    TestInstance t;
    t.study_uid = study_;
    t.series_uid = series_a_;
    std::vector<std::string> files = MakeInstances(t, 2, "a");
    t.series_uid = series_b_;
    t.series_number = 2;
    for (const std::string& f : MakeInstances(t, 1, "b")) files.push_back(f);
    t.study_uid = other_study_;
    t.series_uid = UniqueUid("2.");
    t.patient_id = "PID-2";
    for (const std::string& f : MakeInstances(t, 1, "c")) files.push_back(f);
    auto stored = StoreScu(files);
    ASSERT_EQ(stored.exit_code, 0) << stored.output << server_->Log();
    ASSERT_EQ(Instances(), 4);
  }

  HttpReply Delete(const std::string& path, const std::string& user,
                   const std::string& password) const {
    std::vector<std::string> headers;
    if (!user.empty()) headers.push_back("Authorization: " + BasicAuthorization(user, password));
    return HttpRequest(server_->http_port(), "DELETE", path, headers);
  }
  HttpReply DeleteAsAlice(const std::string& path) const {
    return Delete(path, "alice", "wonderland");
  }

  long long Instances() const { return Index().Count("SELECT count(*) FROM instances"); }
  std::vector<std::string> InstancesOf(const std::string& series) const {
    std::vector<std::string> uids;
    for (const auto& row : Index().Rows(
             "SELECT sop_instance_uid FROM instance_details WHERE series_instance_uid = ?1 "
             "ORDER BY sop_instance_uid",
             {series})) {
      uids.push_back(row.at(0));
    }
    return uids;
  }
  std::string StoredFile(const std::string& sop_instance_uid) const {
    return Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?1",
                          {sop_instance_uid});
  }
  // QIDO-RS as bob (read-only users may search).
  json Qido(const std::string& path) const {
    auto reply = HttpRequest(server_->http_port(), "GET", path,
                             {"Authorization: " + BasicAuthorization("bob", "builder")});
    EXPECT_TRUE(reply.status == 200 || reply.status == 204) << reply.status << reply.body;
    return reply.body.empty() ? json::array() : json::parse(reply.body);
  }
  size_t FoundImages(const std::string& study) {
    return Find({"-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study, "-k",
                 "SOPInstanceUID"})
        .size();
  }

  const std::string study_ = UniqueUid("1.");
  const std::string series_a_ = UniqueUid("2.");
  const std::string series_b_ = UniqueUid("2.");
  const std::string other_study_ = UniqueUid("1.");
};

TEST_P(DicomwebDeleteE2eTest, OnlyAUserThatMayWriteDeletes) {
  const std::string path = "/dicom-web/studies/" + study_;
  const HttpReply anonymous = Delete(path, "", "");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(anonymous.headers.count("www-authenticate"), 1u);
  EXPECT_EQ(Delete(path, "alice", "wrong").status, 401);
  const HttpReply read_only = Delete(path, "bob", "builder");
  EXPECT_EQ(read_only.status, 403) << read_only.body;
  EXPECT_EQ(Instances(), 4);
  EXPECT_EQ(FoundImages(study_), 3u);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'deleted'"), 0);
}

TEST_P(DicomwebDeleteE2eTest, UnknownOrMismatchedUidsAreNotFoundAndMalformedOnesBad) {
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + UniqueUid("1.")).status, 404);
  // A series that exists, asked under another study, is not that study's.
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + other_study_ + "/series/" + series_a_).status,
            404);
  const std::string instance = InstancesOf(series_a_).front();
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + study_ + "/series/" + series_b_ +
                          "/instances/" + instance)
                .status,
            404);
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/1.2.abc").status, 400);
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + study_ + "/series/..").status, 400);
  EXPECT_EQ(Instances(), 4);
}

TEST_P(DicomwebDeleteE2eTest, DeletesAnInstanceThenASeriesThenAStudyAtOnce) {
  const std::vector<std::string> series_a = InstancesOf(series_a_);
  ASSERT_EQ(series_a.size(), 2u);
  const std::string instance_path = "/dicom-web/studies/" + study_ + "/series/" + series_a_ +
                                    "/instances/" + series_a[0];
  const std::string file = StoragePath(StoredFile(series_a[0]));
  ASSERT_TRUE(fs::exists(file));

  // PS3.18 has no Delete transaction; 204 No Content as DICOMweb servers answer.
  const HttpReply deleted = DeleteAsAlice(instance_path);
  EXPECT_EQ(deleted.status, 204) << deleted.body << server_->Log();
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(deleted.headers.count("content-length"), 0u);  // RFC 9110 8.6
  EXPECT_FALSE(fs::exists(file));
  EXPECT_EQ(InstancesOf(series_a_), std::vector<std::string>{series_a[1]});
  EXPECT_EQ(FoundImages(study_), 2u);
  EXPECT_EQ(Qido("/dicom-web/studies/" + study_ + "/series/" + series_a_ + "/instances").size(),
            1u);
  EXPECT_EQ(Index().Scalar("SELECT detail FROM events WHERE kind = 'deleted' AND "
                           "sop_instance_uid = ?1",
                           {series_a[0]}),
            "user alice: DICOMweb DELETE " + instance_path);
  // Gone is gone: a second DELETE finds nothing.
  EXPECT_EQ(DeleteAsAlice(instance_path).status, 404);

  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + study_ + "/series/" + series_b_).status, 204);
  EXPECT_TRUE(InstancesOf(series_b_).empty());
  EXPECT_EQ(Index().Count("SELECT count(*) FROM series WHERE series_instance_uid = ?1",
                          {series_b_}),
            0);
  EXPECT_EQ(FoundImages(study_), 1u);

  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + study_).status, 204);
  EXPECT_EQ(FoundImages(study_), 0u);
  EXPECT_TRUE(
      Find({"-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study_}).empty());
  EXPECT_TRUE(Qido("/dicom-web/studies?StudyInstanceUID=" + study_).empty());
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'deleted' AND detail LIKE "
                          "'user alice: DICOMweb DELETE %'"),
            3);
  // The other study is untouched, files and rows agree (`pixeldex check`).
  EXPECT_EQ(Instances(), 1);
  EXPECT_EQ(FoundImages(other_study_), 1u);
  const ProcessResult check = Pixeldex("check");
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

// The server logs JSON, so the refusal's fields can be read.
class DicomwebDeleteProtectedE2eTest : public DicomwebDeleteE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = DicomwebDeleteE2eTest::ServerArgs();
    args.push_back("--log-format=json");
    return args;
  }
  // The server's log lines that carry a study_instance_uid field.
  std::vector<json> StudyLogLines() const {
    std::vector<json> lines;
    std::istringstream in(server_->Log());
    for (std::string line; std::getline(in, line);) {
      auto parsed = json::parse(line, nullptr, false);
      if (!parsed.is_discarded() && parsed.contains("study_instance_uid")) {
        lines.push_back(parsed);
      }
    }
    return lines;
  }
};

TEST_P(DicomwebDeleteProtectedE2eTest, AProtectedStudyIsRefusedWithConflict) {
  const ProcessResult protect = Pixeldex("protect", {"--reason", "legal hold", study_});
  ASSERT_EQ(protect.exit_code, 0) << protect.output;
  const std::string instance = InstancesOf(series_a_).front();
  const std::string study_path = "/dicom-web/studies/" + study_;
  const std::string instance_path =
      study_path + "/series/" + series_a_ + "/instances/" + instance;
  for (const std::string& path : {study_path, study_path + "/series/" + series_b_, instance_path}) {
    const HttpReply refused = DeleteAsAlice(path);
    EXPECT_EQ(refused.status, 409) << path << ": " << refused.body;
    EXPECT_NE(refused.body.find("study " + study_ + " is protected"), std::string::npos)
        << refused.body;
    EXPECT_NE(refused.body.find("legal hold"), std::string::npos) << refused.body;
    ASSERT_EQ(refused.headers.count("warning"), 1u);
    EXPECT_NE(refused.headers.at("warning").find("299 pixeldex \"study " + study_),
              std::string::npos)
        << refused.headers.at("warning");
  }
  // What is not there is still not found.
  EXPECT_EQ(DeleteAsAlice(study_path + "/series/" + UniqueUid("2.")).status, 404);
  EXPECT_EQ(Instances(), 4);
  EXPECT_EQ(FoundImages(study_), 3u);
  EXPECT_EQ(Index().Count("SELECT count(*) FROM events WHERE kind = 'deleted'"), 0);
  EXPECT_TRUE(fs::exists(StoragePath(StoredFile(instance))));

  const std::vector<json> lines = StudyLogLines();
  ASSERT_EQ(lines.size(), 3u) << server_->Log();
  EXPECT_EQ(lines[2].value("level", ""), "WARN");
  EXPECT_EQ(lines[2].value("user", ""), "alice");
  EXPECT_EQ(lines[2].value("study_instance_uid", ""), study_);
  EXPECT_EQ(lines[2].value("series_instance_uid", ""), series_a_);
  EXPECT_EQ(lines[2].value("sop_instance_uid", ""), instance);

  // Another study is not held back, and an unprotected one goes.
  EXPECT_EQ(DeleteAsAlice("/dicom-web/studies/" + other_study_).status, 204);
  const ProcessResult unprotect = Pixeldex("unprotect", {study_});
  ASSERT_EQ(unprotect.exit_code, 0) << unprotect.output;
  EXPECT_EQ(DeleteAsAlice(study_path).status, 204);
  EXPECT_EQ(Instances(), 0);
}

}  // namespace pixeldex::testing

// WADO-RS on a PostgreSQL index (issue 18): the same instances in a
// SQLite-indexed and a PostgreSQL-indexed `pixeldex serve`
// (two_backend_test.h), then the same requests to both (PS3.18 10.4:
// study, series and instance retrieval, metadata, frames, bulk data,
// rendered, thumbnails): the same statuses, multipart parts of the same
// types and bytes, and metadata equal as parsed JSON (PostgreSQL serves
// the header as jsonb prints it). Unknown UIDs are 404 on both.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/postgres/two_backend_test.h"
#include "tests/support/http_client.h"
#include "tests/support/multipart_reader.h"

namespace pixeldex::testing {
namespace {

constexpr char kAnySyntax[] =
    "Accept: multipart/related; type=\"application/dicom\"; transfer-syntax=*";
constexpr char kOctets[] = "Accept: multipart/related; type=\"application/octet-stream\"";
constexpr char kDicomJson[] = "Accept: application/dicom+json";
constexpr char kPng[] = "Accept: image/png";

// One answer, as comparable between the servers: status, content type
// without its boundary, and each part's content type and bytes (or the
// whole body when it is no multipart).
struct Answer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> parts;
  bool operator==(const Answer&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Answer& a) {
  out << a.status;
  for (const auto& [type, bytes] : a.parts)
    out << " [" << type << ", " << bytes.size() << " bytes]";
  return out;
}

class PgWadoE2eTest : public TwoBackendTest {
 protected:
  HttpReply Get(const ServerProcess& server, const std::string& path, const std::string& accept) {
    return HttpRequest(server.http_port(), "GET", path,
                       {"Authorization: " + BasicAuthorization("bob", "builder"), accept});
  }

  Answer Fetch(const ServerProcess& server, const std::string& path, const std::string& accept) {
    const HttpReply reply = Get(server, path, accept);
    Answer answer{reply.status, {}};
    const std::string type =
        reply.headers.count("content-type") ? reply.headers.at("content-type") : "";
    if (reply.status == 200 && type.starts_with("multipart/")) {
      for (const MultipartPart& part : ReadMultipart(type, reply.body)) {
        answer.parts.emplace_back(part.headers.at("content-type"), part.content);
      }
    } else {
      answer.parts.emplace_back(type, reply.body);
    }
    return answer;
  }

  // `path` on both servers: the same answer, of status `status`.
  void ExpectSameAnswer(const std::string& path, const std::string& accept, int status) {
    SCOPED_TRACE(path + " " + accept);
    const Answer on_sqlite = Fetch(*sqlite_, path, accept);
    const Answer on_postgres = Fetch(*postgres_server_, path, accept);
    EXPECT_EQ(on_sqlite.status, status) << on_sqlite;
    EXPECT_FALSE(on_sqlite.parts.empty());
    EXPECT_EQ(on_postgres, on_sqlite) << postgres_server_->Log();
  }

  // Metadata of `path` from `server`, parsed; null when not 200.
  nlohmann::json Metadata(const ServerProcess& server, const std::string& path) {
    const HttpReply reply = Get(server, path, kDicomJson);
    EXPECT_EQ(reply.status, 200) << reply.body << server.Log();
    if (reply.status != 200) return nullptr;
    return nlohmann::json::parse(reply.body);
  }

  void ExpectSameMetadata(const std::string& path, size_t instances) {
    SCOPED_TRACE(path);
    const nlohmann::json on_sqlite = Metadata(*sqlite_, path);
    const nlohmann::json on_postgres = Metadata(*postgres_server_, path);
    ASSERT_TRUE(on_sqlite.is_array());
    EXPECT_EQ(on_sqlite.size(), instances);
    EXPECT_EQ(on_postgres, on_sqlite) << on_postgres.dump() << "\n" << on_sqlite.dump();
  }

  std::string Study(size_t study) const { return "/dicom-web/studies/" + study_uids_[study]; }
  std::string Series(size_t study, size_t series) const {
    return Study(study) + "/series/" + series_uids_[series];
  }
  std::string Instance(size_t study, size_t series, size_t instance) const {
    return Series(study, series) + "/instances/" + instance_uids_[instance];
  }
};

// Instances 0-2: study 0 (series 0: 0, 1; series 1: 2); 3: study 1
// (series 2); 4-5: study 2 (series 3); 6: study 3 (series 4).

TEST_F(PgWadoE2eTest, RetrievesTheSameInstances) {
  ExpectSameAnswer(Study(0), kAnySyntax, 200);
  ExpectSameAnswer(Series(2, 3), kAnySyntax, 200);
  ExpectSameAnswer(Instance(0, 1, 2), kAnySyntax, 200);
  EXPECT_EQ(Fetch(*postgres_server_, Study(0), kAnySyntax).parts.size(), 3u);
  ExpectSameAnswer("/dicom-web/studies/1.2.3.999", kAnySyntax, 404);
  ExpectSameAnswer(Series(0, 2), kAnySyntax, 404);  // a series of another study
}

TEST_F(PgWadoE2eTest, MetadataIsTheSameDicomJson) {
  ExpectSameMetadata(Study(0) + "/metadata", 3);
  ExpectSameMetadata(Series(2, 3) + "/metadata", 2);
  ExpectSameMetadata(Instance(3, 4, 6) + "/metadata", 1);
  // The pixel data is bulk data, its URI absolute on both (PS3.18 F.2.6).
  const nlohmann::json on_postgres = Metadata(*postgres_server_, Instance(3, 4, 6) + "/metadata");
  ASSERT_TRUE(on_postgres.is_array());
  EXPECT_EQ(on_postgres[0]["7FE00010"]["BulkDataURI"],
            "http://127.0.0.1" + Instance(3, 4, 6) + "/bulkdata/7FE00010");
  ExpectSameAnswer(Study(1) + "/series/1.2.3.999/metadata", kDicomJson, 404);
}

TEST_F(PgWadoE2eTest, FramesBulkDataRenderedAndThumbnailsAreTheSame) {
  ExpectSameAnswer(Instance(2, 3, 5) + "/frames/1", kOctets, 200);
  ExpectSameAnswer(Instance(2, 3, 5) + "/bulkdata/7FE00010", kOctets, 200);
  ExpectSameAnswer(Instance(2, 3, 5) + "/rendered", kPng, 200);
  ExpectSameAnswer(Series(0, 0) + "/rendered", kPng, 200);
  // The stored thumbnails (bytea on PostgreSQL) and one rendered on demand.
  for (const std::string& path : {Study(0), Series(2, 3), Instance(0, 0, 1)}) {
    ExpectSameAnswer(path + "/thumbnail", kPng, 200);
  }
  ExpectSameAnswer(Instance(2, 3, 5) + "/frames/1/thumbnail", kPng, 200);
  ExpectSameAnswer("/dicom-web/studies/1.2.3.999/thumbnail", kPng, 404);
  ExpectSameAnswer(Series(0, 0) + "/instances/1.2.3.999/frames/1", kOctets, 404);
}

}  // namespace
}  // namespace pixeldex::testing

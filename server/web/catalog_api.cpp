#include "server/web/catalog_api.h"

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "catalog/query/sql_constraint.h"
#include "catalog/storage/storage_layout.h"
#include "server/dicomweb/uid_segment.h"
#include "server/web/zip_archive.h"

namespace pixeldex::server {
namespace {

using nlohmann::json;

// Runs `answer` on a read-only reader of the index, SQLite or PostgreSQL;
// 503 when the index cannot be read.
template <typename Answer>
HttpResponse WithIndex(const WebContext& context, Answer answer) {
  auto reader = context.open_reader();
  if (!reader.ok()) {
    LogError("web api: cannot open the index: {}", reader.status().ToString());
    return JsonError(503, "the index cannot be read");
  }
  return answer(**reader);
}

HttpResponse IndexFailure(const Status& status) {
  LogError("web api: reading the index failed: {}", status.ToString());
  return JsonError(500, "reading the index failed");
}

// The rows of `select` followed by `uid` as a bound parameter and `rest`,
// in the reader's dialect.
Result<std::unique_ptr<index::RowCursor>> RowsFor(query::IndexReader& reader,
                                                  std::string_view select, const std::string& uid,
                                                  std::string_view rest = {}) {
  query::SqlWriter w(reader.dialect());
  w.Sql(select).Text(uid).Sql(rest);
  query::SqlPlan plan;
  plan.sql = w.sql();
  plan.params = w.params();
  return reader.Open(plan, query::ReadWatch{});
}

// The rows of `sql`, which binds nothing.
Result<std::unique_ptr<index::RowCursor>> RowsOf(query::IndexReader& reader, std::string sql) {
  query::SqlPlan plan;
  plan.sql = std::move(sql);
  return reader.Open(plan, query::ReadWatch{});
}

// Runs `select` with `uid` bound at its end and answers `answer(row)` for
// its first row, or 404 `missing` when it has none.
template <typename Answer>
HttpResponse WithRowFor(const WebContext& context, std::string_view select,
                        const std::string& uid, const char* missing, Answer answer) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto rows = RowsFor(reader, select, uid);
    if (!rows.ok()) return IndexFailure(rows.status());
    auto found = (*rows)->Step();
    if (!found.ok()) return IndexFailure(found.status());
    if (!*found) return JsonError(404, missing);
    return answer(**rows);
  });
}

// The facts /api/instances/{uid} answers: its JSON name, the column, and
// whether the column holds an integer (else text).
struct InstanceFact {
  const char* name;
  const char* column;
  bool integer;
};
constexpr InstanceFact kInstanceFacts[] = {
    {"sop_instance_uid", "i.sop_instance_uid", false},
    {"sop_class_uid", "i.sop_class_uid", false},
    {"transfer_syntax_uid", "i.transfer_syntax_uid", false},
    {"instance_number", "i.instance_number", true},
    {"rows", "i.rows", true},
    {"columns", "i.columns", true},
    {"number_of_frames", "i.number_of_frames", true},
    {"path", "i.path", false},
    {"size_bytes", "i.size_bytes", true},
    {"sha256", "i.sha256", false},
    {"received_at", "i.received_at", false},
    {"source", "i.source", false},
    {"calling_aet", "i.calling_aet", false},
    {"called_aet", "i.called_aet", false},
    {"peer_address", "i.peer_address", false},
    {"series_instance_uid", "se.series_instance_uid", false},
    {"study_instance_uid", "st.study_instance_uid", false},
    {"thumbnail", "t.status", false},
};

HttpResponse InstanceFacts(const WebContext& context, const std::string& uid) {
  static const std::string select = [] {
    std::string sql = "SELECT ";
    for (const InstanceFact& fact : kInstanceFacts) {
      if (&fact != kInstanceFacts) sql += ", ";
      sql += fact.column;
    }
    return sql +
           " FROM instances i JOIN series se ON se.series_pk = i.series_pk "
           "JOIN studies st ON st.study_pk = se.study_pk "
           "LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk WHERE i.sop_instance_uid = ";
  }();
  return WithRowFor(context, select, uid, "no such instance", [](const index::RowCursor& row) {
    json facts = json::object();
    int col = 0;
    for (const InstanceFact& fact : kInstanceFacts) {
      if (row.IsNull(col)) {
        facts[fact.name] = nullptr;
      } else if (fact.integer) {
        facts[fact.name] = row.Int(col);
      } else {
        facts[fact.name] = row.Text(col);
      }
      ++col;
    }
    return JsonAnswer(200, facts);
  });
}

// What the study page's instance section sums up: instances, frames (an
// instance with pixels and no Number of Frames is one), stored bytes.
HttpResponse SeriesSummary(const WebContext& context, const std::string& uid) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto rows = RowsFor(reader,
                        "SELECT count(*), coalesce(sum(CASE WHEN i.rows IS NULL THEN 0 "
                        "ELSE coalesce(i.number_of_frames, 1) END), 0), "
                        "coalesce(sum(i.size_bytes), 0) "
                        "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
                        "WHERE se.series_instance_uid = ",
                        uid, " HAVING count(*) > 0");
    if (!rows.ok()) return IndexFailure(rows.status());
    const index::RowCursor& row = **rows;
    auto found = (*rows)->Step();
    if (!found.ok()) return IndexFailure(found.status());
    if (!*found) return JsonError(404, "no such series");
    return JsonAnswer(200, {{"instances", row.Int(0)}, {"frames", row.Int(1)},
                            {"size_bytes", row.Int(2)}});
  });
}

// The bytes of a stored file, by its recorded path.
std::optional<std::string> ReadStoredFile(const WebContext& context, const std::string& recorded) {
  const auto file = storage::StorageLayout(context.storage_root).FileOf(recorded);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in || !bytes) {
    LogError("web api: cannot read {}", file.string());
    return std::nullopt;
  }
  return std::move(bytes).str();
}

HttpResponse Attachment(std::string content_type, std::string body, const std::string& name) {
  HttpResponse response{200, std::move(content_type), std::move(body)};
  response.AddHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

HttpResponse InstanceFile(const WebContext& context, const std::string& uid) {
  return WithRowFor(context, "SELECT path FROM instances WHERE sop_instance_uid = ", uid,
                    "no such instance", [&](const index::RowCursor& row) {
                      auto bytes = ReadStoredFile(context, row.Text(0));
                      if (!bytes) return JsonError(500, "the stored file cannot be read");
                      return Attachment("application/dicom", std::move(*bytes), uid + ".dcm");
                    });
}

HttpResponse SeriesFiles(const WebContext& context, const std::string& uid) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto rows = RowsFor(reader,
                        "SELECT i.sop_instance_uid, i.instance_number, i.path, i.size_bytes "
                        "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
                        "WHERE se.series_instance_uid = ",
                        uid,
                        " ORDER BY i.instance_number IS NULL, i.instance_number, i.instance_pk");
    if (!rows.ok()) return IndexFailure(rows.status());
    index::RowCursor& row = **rows;
    ZipArchive zip;
    int files = 0;
    for (;;) {
      auto more = row.Step();
      if (!more.ok()) return IndexFailure(more.status());
      if (!*more) break;
      if (++files > 65535 || zip.size() + static_cast<size_t>(row.Int(3)) > kMaxZipBytes) {
        return JsonError(413, "the series is too large for one download; use DICOM C-GET");
      }
      auto bytes = ReadStoredFile(context, row.Text(2));
      if (!bytes) return JsonError(500, "a stored file cannot be read");
      const std::string number = row.IsNull(1) ? "" : fmt::format("{:05}-", row.Int(1));
      zip.Add(number + row.Text(0) + ".dcm", *bytes);
    }
    if (files == 0) return JsonError(404, "no such series");
    return Attachment("application/zip", zip.Finish(), uid + ".zip");
  });
}

HttpResponse InstanceThumbnail(const WebContext& context, const std::string& uid) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto png = query::FindRepresentativeThumbnail(reader, "", "", uid);
    if (!png.ok()) return IndexFailure(png.status());
    if (!png->has_value()) return JsonError(404, "no thumbnail for this instance");
    HttpResponse response{200, "image/png", std::move(**png)};
    response.AddHeader("Cache-Control", "private, max-age=86400, immutable");
    return response;
  });
}

HttpResponse Changes(const WebContext& context) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto rows = RowsOf(reader,
                       "SELECT (SELECT coalesce(max(instance_pk), 0) FROM instances), "
                       "(SELECT count(*) FROM studies)");
    if (!rows.ok()) return IndexFailure(rows.status());
    auto found = (*rows)->Step();
    if (!found.ok()) return IndexFailure(found.status());
    if (!*found) return IndexFailure(Status::Internal("no row"));
    return JsonAnswer(200, {{"last_instance", (*rows)->Int(0)}, {"studies", (*rows)->Int(1)}});
  });
}

HttpResponse Dictionary(const WebContext& context) {
  return WithIndex(context, [&](query::IndexReader& reader) {
    auto rows = RowsOf(reader, "SELECT tag, keyword FROM dicom_dictionary");
    if (!rows.ok()) return IndexFailure(rows.status());
    json keywords = json::object();
    for (;;) {
      auto more = (*rows)->Step();
      if (!more.ok()) return IndexFailure(more.status());
      if (!*more) break;
      keywords[(*rows)->Text(0)] = (*rows)->Text(1);
    }
    return JsonAnswer(200, keywords);
  });
}

// A route taking a {uid} (`what`: "SOP Instance UID"), checked before
// `answer` sees it.
RouteHandler ForUid(std::shared_ptr<const WebContext> context, const char* what,
                    HttpResponse (*answer)(const WebContext&, const std::string&)) {
  return [context, what, answer](const HttpRequest&, const PathParams& params) {
    auto uid = ValidUidSegment(params.at("uid"), what);
    if (!uid.ok()) return JsonError(400, uid.status().message());
    return answer(*context, *uid);
  };
}

}  // namespace

void AddCatalogApiRoutes(Router& router, std::shared_ptr<const WebContext> context) {
  constexpr const char* kInstance = "SOP Instance UID";
  router.Add("GET", "/api/instances/{uid}", RouteAccess::kRead,
             ForUid(context, kInstance, InstanceFacts));
  router.Add("GET", "/api/instances/{uid}/file", RouteAccess::kRead,
             ForUid(context, kInstance, InstanceFile));
  router.Add("GET", "/api/instances/{uid}/thumbnail", RouteAccess::kRead,
             ForUid(context, kInstance, InstanceThumbnail));
  router.Add("GET", "/api/series/{uid}", RouteAccess::kRead,
             ForUid(context, "Series Instance UID", SeriesSummary));
  router.Add("GET", "/api/series/{uid}/files", RouteAccess::kRead,
             ForUid(context, "Series Instance UID", SeriesFiles));
  router.Add("GET", "/api/changes", RouteAccess::kRead,
             [context](const HttpRequest&, const PathParams&) { return Changes(*context); });
  router.Add("GET", "/api/dictionary", RouteAccess::kRead,
             [context](const HttpRequest&, const PathParams&) { return Dictionary(*context); });
}

}  // namespace pixeldex::server

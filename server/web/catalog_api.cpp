#include "server/web/catalog_api.h"

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "catalog/common/log.h"
#include "catalog/query/instance_reads.h"
#include "catalog/storage/storage_layout.h"
#include "server/dicomweb/uid_segment.h"
#include "server/web/zip_archive.h"

namespace pixeldex::server {
namespace {

using nlohmann::json;

// Runs `answer` on a fresh read-only connection; 503 when the index cannot
// be opened.
template <typename Answer>
HttpResponse WithIndex(const WebContext& context, Answer answer) {
  auto db = context.open_reader();
  if (!db.ok()) {
    LogError("web api: cannot open the index: {}", db.status().ToString());
    return JsonError(503, "the index cannot be read");
  }
  return answer(db->db());
}

HttpResponse IndexFailure(const Status& status) {
  LogError("web api: reading the index failed: {}", status.ToString());
  return JsonError(500, "reading the index failed");
}

json ColumnValue(const index::Statement& row, int col) {
  if (row.IsNull(col)) return nullptr;
  if (row.Kind(col) == index::ColumnKind::kInteger) return row.Int(col);
  return row.Text(col);
}

// Runs `sql` with ?1 bound to `uid` on a fresh read-only connection and
// answers `answer(row)` for its first row, or 404 `missing` when it has none.
template <typename Answer>
HttpResponse WithRowFor(const WebContext& context, const char* sql, const std::string& uid,
                        const char* missing, Answer answer) {
  return WithIndex(context, [&](index::Db& db) {
    auto row = db.Prepare(sql);
    if (!row.ok()) return IndexFailure(row.status());
    row->Bind(1, uid);
    if (!row->Step()) {
      if (!row->status().ok()) return IndexFailure(row->status());
      return JsonError(404, missing);
    }
    return answer(*row);
  });
}

HttpResponse InstanceFacts(const WebContext& context, const std::string& uid) {
  return WithRowFor(
      context,
      "SELECT i.sop_instance_uid, i.sop_class_uid, i.transfer_syntax_uid, i.instance_number, "
      "i.rows, i.columns, i.number_of_frames, i.path, i.size_bytes, i.sha256, i.received_at, "
      "i.source, i.calling_aet, i.called_aet, i.peer_address, se.series_instance_uid, "
      "st.study_instance_uid, t.status AS thumbnail "
      "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
      "JOIN studies st ON st.study_pk = se.study_pk "
      "LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk WHERE i.sop_instance_uid = ?1",
      uid, "no such instance", [](const index::Statement& row) {
        json facts = json::object();
        for (int col = 0; col < row.ColumnCount(); ++col) {
          facts[row.ColumnName(col)] = ColumnValue(row, col);
        }
        return JsonAnswer(200, facts);
      });
}

// What the study page's instance section sums up: instances, frames (an
// instance with pixels and no Number of Frames is one), stored bytes.
HttpResponse SeriesSummary(const WebContext& context, const std::string& uid) {
  return WithRowFor(
      context,
      "SELECT count(*), coalesce(sum(CASE WHEN i.rows IS NULL THEN 0 "
      "ELSE coalesce(i.number_of_frames, 1) END), 0), coalesce(sum(i.size_bytes), 0) "
      "FROM instances i JOIN series se ON se.series_pk = i.series_pk "
      "WHERE se.series_instance_uid = ?1 HAVING count(*) > 0",
      uid, "no such series", [](const index::Statement& row) {
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
  return WithRowFor(context, "SELECT path FROM instances WHERE sop_instance_uid = ?1", uid,
                    "no such instance", [&](const index::Statement& row) {
                      auto bytes = ReadStoredFile(context, row.Text(0));
                      if (!bytes) return JsonError(500, "the stored file cannot be read");
                      return Attachment("application/dicom", std::move(*bytes), uid + ".dcm");
                    });
}

HttpResponse SeriesFiles(const WebContext& context, const std::string& uid) {
  return WithIndex(context, [&](index::Db& db) {
    auto rows = db.Prepare(
        "SELECT i.sop_instance_uid, i.instance_number, i.path, i.size_bytes FROM instances i "
        "JOIN series se ON se.series_pk = i.series_pk WHERE se.series_instance_uid = ?1 "
        "ORDER BY i.instance_number IS NULL, i.instance_number, i.instance_pk");
    if (!rows.ok()) return IndexFailure(rows.status());
    rows->Bind(1, uid);
    ZipArchive zip;
    int files = 0;
    while (rows->Step()) {
      if (++files > 65535 || zip.size() + static_cast<size_t>(rows->Int(3)) > kMaxZipBytes) {
        return JsonError(413, "the series is too large for one download; use DICOM C-GET");
      }
      auto bytes = ReadStoredFile(context, rows->Text(2));
      if (!bytes) return JsonError(500, "a stored file cannot be read");
      const std::string number = rows->IsNull(1) ? "" : fmt::format("{:05}-", rows->Int(1));
      zip.Add(number + rows->Text(0) + ".dcm", *bytes);
    }
    if (!rows->status().ok()) return IndexFailure(rows->status());
    if (files == 0) return JsonError(404, "no such series");
    return Attachment("application/zip", zip.Finish(), uid + ".zip");
  });
}

HttpResponse InstanceThumbnail(const WebContext& context, const std::string& uid) {
  return WithIndex(context, [&](index::Db& db) {
    query::SqliteIndexReader sqlite_reader(db);
    auto png = query::FindRepresentativeThumbnail(sqlite_reader, "", "", uid);
    if (!png.ok()) return IndexFailure(png.status());
    if (!png->has_value()) return JsonError(404, "no thumbnail for this instance");
    HttpResponse response{200, "image/png", std::move(**png)};
    response.AddHeader("Cache-Control", "private, max-age=86400, immutable");
    return response;
  });
}

HttpResponse Changes(const WebContext& context) {
  return WithIndex(context, [&](index::Db& db) {
    auto row = db.Prepare(
        "SELECT (SELECT coalesce(max(instance_pk), 0) FROM instances), "
        "(SELECT count(*) FROM studies)");
    if (!row.ok()) return IndexFailure(row.status());
    if (!row->Step()) return IndexFailure(row->status());
    return JsonAnswer(200, {{"last_instance", row->Int(0)}, {"studies", row->Int(1)}});
  });
}

HttpResponse Dictionary(const WebContext& context) {
  return WithIndex(context, [&](index::Db& db) {
    auto row = db.Prepare("SELECT tag, keyword FROM dicom_dictionary");
    if (!row.ok()) return IndexFailure(row.status());
    json keywords = json::object();
    while (row->Step()) keywords[row->Text(0)] = row->Text(1);
    if (!row->status().ok()) return IndexFailure(row->status());
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

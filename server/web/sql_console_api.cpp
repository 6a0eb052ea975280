#include "server/web/sql_console_api.h"

#include <algorithm>

#include "catalog/common/log.h"
#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/postgres/pg_user_query.h"
#include "catalog/index/result_formatter.h"
#include "catalog/index/sql_query.h"

namespace pixeldex::server {
namespace {

using index::SqlValue;
using nlohmann::json;

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

json ToJson(const SqlValue& value) {
  switch (value.type) {
    case SqlValue::Type::kNull:
      return nullptr;
    case SqlValue::Type::kInteger:
      return value.integer;
    case SqlValue::Type::kReal:
      return value.real;  // non-finite: null
    case SqlValue::Type::kText:
      return value.bytes;
    case SqlValue::Type::kBlob: {
      json blob = {{"blob", value.bytes.size()}};
      if (value.bytes.starts_with(kPngSignature)) blob["png"] = index::Base64(value.bytes);
      return blob;
    }
  }
  return nullptr;
}

// Collects at most `max_rows` rows; the next one stops the query.
class JsonGridSink : public index::RowSink {
 public:
  explicit JsonGridSink(int max_rows) : max_rows_(max_rows) {}
  Status Begin(const std::vector<std::string>& columns) override {
    answer_["columns"] = columns;
    answer_["rows"] = json::array();
    return Status::Ok();
  }
  Status Row(const std::vector<SqlValue>& values) override {
    if (static_cast<int>(answer_["rows"].size()) == max_rows_) {
      truncated_ = true;
      return Status::ResourceExhausted("row limit");
    }
    json row = json::array();
    for (const SqlValue& v : values) row.push_back(ToJson(v));
    answer_["rows"].push_back(std::move(row));
    return Status::Ok();
  }
  Status End(int64_t) override { return Status::Ok(); }

  bool truncated() const { return truncated_; }
  json TakeAnswer() {
    answer_["truncated"] = truncated_;
    return std::move(answer_);
  }

 private:
  int max_rows_;
  bool truncated_ = false;
  json answer_ = json::object();
};

HttpResponse RunQuery(const WebContext& context, const HttpRequest& request) {
  if (request.Header("content-type").rfind("application/json", 0) != 0) {
    return JsonError(415, "send the query as application/json: {\"sql\": \"...\"}");
  }
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("sql") || !body["sql"].is_string()) {
    return JsonError(400, "the body must be a JSON object with a string \"sql\"");
  }
  int max_rows = kSqlConsoleDefaultRows;
  if (body.contains("max_rows")) {
    if (!body["max_rows"].is_number_integer() || body["max_rows"].get<int64_t>() < 1) {
      return JsonError(400, "max_rows must be a positive integer");
    }
    max_rows =
        static_cast<int>(std::min<int64_t>(body["max_rows"].get<int64_t>(), kSqlConsoleMaxRows));
  }
  JsonGridSink sink(max_rows);
  const std::string sql = body["sql"].get<std::string>();
  Status status;
  if (index::postgres::IsPostgresUri(context.index_path)) {
    // As `pixeldex query` runs it: one statement in a read-only transaction.
    status = index::postgres::RunPgUserQuery(context.index_path, sql, sink, kSqlConsoleTimeLimit);
    if (status.code() == Status::Code::kIoError) {
      LogError("sql console: cannot read the index: {}", status.ToString());
      return JsonError(503, "the index cannot be read");
    }
  } else {
    auto query = index::ReadOnlyQuery::Open(context.index_path);
    if (!query.ok()) {
      LogError("sql console: cannot open the index: {}", query.status().ToString());
      return JsonError(503, "the index cannot be read");
    }
    query->SetTimeLimit(kSqlConsoleTimeLimit);
    status = query->Run(sql, sink);
  }
  if (!status.ok() && !sink.truncated()) return JsonError(400, status.message());
  return JsonAnswer(200, sink.TakeAnswer());
}

}  // namespace

void AddSqlConsoleRoute(Router& router, std::shared_ptr<const WebContext> context) {
  router.Add("GET", "/api/index", RouteAccess::kRead,
             [database = index::postgres::IsPostgresUri(context->index_path) ? "postgresql"
                                                                              : "sqlite"](
                 const HttpRequest&, const PathParams&) {
               return JsonAnswer(200, {{"database", database}});
             });
  router.Add("POST", "/api/query", RouteAccess::kRead,
             [context](const HttpRequest& request, const PathParams&) {
               return RunQuery(*context, request);
             });
}

}  // namespace pixeldex::server

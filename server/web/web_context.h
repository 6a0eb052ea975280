#pragma once
// What the web page's JSON API (/api/...) needs from `pixeldex serve`, and
// how it answers: JSON that the browser must not keep (Cache-Control:
// no-store), errors as {"error": "..."}. Built once; read-only afterwards.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include <memory>

#include "catalog/common/result.h"
#include "catalog/query/index_reader.h"
#include "server/http/http_message.h"

namespace pixeldex::server {

struct WebContext {
  // Lends a read-only reader of the index, SQLite or PostgreSQL, for one
  // request (CatalogArchive::OpenFindReader: a pooled connection, given back
  // with the reader).
  std::function<Result<std::unique_ptr<query::IndexReader>>()> open_reader;
  // The SQLite file or postgresql:// URI, for the SQL console's own
  // connection.
  std::string index_path;
  std::filesystem::path storage_root;  // where instances.path is relative to
};

// `body` as application/json with Cache-Control: no-store. Invalid UTF-8 in
// strings (the index keeps what senders sent) becomes U+FFFD.
HttpResponse JsonAnswer(unsigned status, const nlohmann::json& body);
// {"error": message}.
HttpResponse JsonError(unsigned status, const std::string& message);

}  // namespace pixeldex::server

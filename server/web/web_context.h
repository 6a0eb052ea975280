#pragma once
// What the web page's JSON API (/api/...) needs from `pixeldex serve`, and
// how it answers: JSON that the browser must not keep (Cache-Control:
// no-store), errors as {"error": "..."}. Built once; read-only afterwards.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/reader_pool.h"
#include "server/http/http_message.h"

namespace pixeldex::server {

struct WebContext {
  // Lends a read-only index connection (index::PrepareForReading applied)
  // from the server's ReaderPool, for one request; the PooledReader gives it
  // back.
  std::function<Result<index::PooledReader>()> open_reader;
  std::string index_path;              // for the SQL console's own connection
  std::filesystem::path storage_root;  // where instances.path is relative to
};

// `body` as application/json with Cache-Control: no-store. Invalid UTF-8 in
// strings (the index keeps what senders sent) becomes U+FFFD.
HttpResponse JsonAnswer(unsigned status, const nlohmann::json& body);
// {"error": message}.
HttpResponse JsonError(unsigned status, const std::string& message);

}  // namespace pixeldex::server

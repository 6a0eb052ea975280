#include "catalog/index/postgres/pg_node_lock.h"

#include <string>
#include <utility>

namespace pixeldex::index::postgres {

int32_t PgNodeLock::KeyOf(std::string_view node) {
  uint32_t hash = 2166136261u;  // FNV-1a, 32 bits
  for (const unsigned char c : node) {
    hash ^= c;
    hash *= 16777619u;
  }
  return static_cast<int32_t>(hash);
}

PgNodeLock::~PgNodeLock() {
  if (conn_ != nullptr) (void)conn_->Exec("SELECT pg_advisory_unlock_all()");
}

namespace {

// A session of its own that called `function` (pg_advisory_lock_shared,
// pg_try_advisory_lock) on `node`'s two keys, and the function's answer as
// text ("true" or "false" for a boolean, "" for void).
Result<std::pair<PgConnection, std::string>> AskForLock(std::string_view uri,
                                                         std::string_view node,
                                                         std::string_view function) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  auto answer = conn->Exec("SELECT " + std::string(function) + "($1::int, $2::int)::text",
                           {PgParam::Int(PgNodeLock::kNodeLockClass),
                            PgParam::Int(PgNodeLock::KeyOf(node))});
  if (!answer.ok()) return answer.status();
  std::string text(answer->Text(0, 0));
  return std::make_pair(std::move(conn).value(), std::move(text));
}

}  // namespace

Result<PgNodeLock> PgNodeLock::Share(std::string_view uri, std::string_view node) {
  auto asked = AskForLock(uri, node, "pg_advisory_lock_shared");
  if (!asked.ok()) return asked.status();
  return PgNodeLock(std::move(asked->first));
}

Result<PgNodeLock> PgNodeLock::TakeOver(std::string_view uri, std::string_view node) {
  auto asked = AskForLock(uri, node, "pg_try_advisory_lock");
  if (!asked.ok()) return asked.status();
  if (asked->second != "true") {
    return Status::ResourceExhausted("the node '" + std::string(node) +
                                     "' is alive: a process of it is connected to the database");
  }
  return PgNodeLock(std::move(asked->first));
}

}  // namespace pixeldex::index::postgres

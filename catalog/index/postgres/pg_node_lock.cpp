#include "catalog/index/postgres/pg_node_lock.h"

#include <string>

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

Result<PgNodeLock> PgNodeLock::Share(std::string_view uri, std::string_view node) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  auto locked = conn->Exec("SELECT pg_advisory_lock_shared($1::int, $2::int)",
                           {PgParam::Int(kNodeLockClass), PgParam::Int(KeyOf(node))});
  if (!locked.ok()) return locked.status();
  return PgNodeLock(std::move(conn).value());
}

Result<PgNodeLock> PgNodeLock::TakeOver(std::string_view uri, std::string_view node) {
  auto conn = PgConnection::Open(uri);
  if (!conn.ok()) return conn.status();
  auto locked = conn->Exec("SELECT pg_try_advisory_lock($1::int, $2::int)",
                           {PgParam::Int(kNodeLockClass), PgParam::Int(KeyOf(node))});
  if (!locked.ok()) return locked.status();
  if (locked->Text(0, 0) != "t") {
    return Status::ResourceExhausted("the node '" + std::string(node) +
                                     "' is alive: a process of it is connected to the database");
  }
  return PgNodeLock(std::move(conn).value());
}

}  // namespace pixeldex::index::postgres

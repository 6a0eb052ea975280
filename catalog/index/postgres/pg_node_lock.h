#pragma once
// PgNodeLock: how the nodes of a shared archive (README, "Several nodes, one
// archive") tell a node that runs from one that is gone. Every process that
// receives into a node's incoming directory (`.incoming/<node>/`: serve,
// import, reindex, on that node's machine) holds the node's lock shared for
// as long as it runs; `pixeldex reconcile --node NODE`, which takes over the
// in-flight files of a node that will not come back, holds it exclusively,
// and only if it gets it at once: while any process of NODE is connected to
// the database, NODE is alive and its files are its own. PostgreSQL ends a
// session's locks with the session, so a node that died (or whose machine
// is gone) holds none.
//
// Each is a session-level advisory lock (PostgreSQL documentation 9.28.10,
// "Advisory Lock Functions": pg_advisory_lock_shared and
// pg_try_advisory_lock on two int4 keys, a key space apart from the
// single-bigint keys of pg_instance_locks.h) on a connection of its own,
// released when the PgNodeLock is destroyed. A process whose lock
// connection is cut while the database stays up for others looks gone: a
// node must not be taken over while its machine may still run (README).

#include <cstdint>
#include <memory>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {

class PgNodeLock {
 public:
  // Takes `node`'s lock shared, waiting while a takeover holds it. kIoError
  // "database unavailable" when the server cannot be reached.
  static Result<PgNodeLock> Share(std::string_view uri, std::string_view node);
  // Takes `node`'s lock exclusively if no process holds it:
  // kResourceExhausted naming the node when one does (it is alive).
  static Result<PgNodeLock> TakeOver(std::string_view uri, std::string_view node);

  PgNodeLock(PgNodeLock&&) noexcept = default;
  PgNodeLock& operator=(PgNodeLock&&) noexcept = default;
  // Releases the lock before the session ends, so that it is free when this
  // returns (a closed session's locks go a moment later).
  ~PgNodeLock();

  // The second key of `node`'s lock (a 32-bit FNV-1a hash of the name); the
  // first is kNodeLockClass.
  static int32_t KeyOf(std::string_view node);
  static constexpr int32_t kNodeLockClass = 0x70786E64;  // "pxnd"

 private:
  explicit PgNodeLock(PgConnection conn)
      : conn_(std::make_unique<PgConnection>(std::move(conn))) {}
  // Its session holds the lock; null once moved from.
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace pixeldex::index::postgres

#pragma once
// ReaderPool: the server's read-only connections to the index, kept between
// users so that a C-FIND on a new association does not pay for opening a
// connection (file and -shm opens, locks, schema parse, an empty page cache:
// ~0.65 ms and more at 1M instances, bench/README.md "C-FIND").
//
// Acquire() hands out an idle connection, or opens and prepares a new one
// (PrepareForReading) when none is idle; the PooledReader gives it back when
// it is destroyed. At most `max_idle` connections wait in the pool (more are
// closed on return), so the pool's memory is bounded by max_idle page caches.
// Users are never limited: with none idle, a new connection is opened.
// Each connection keeps the statements its users prepared through
// statements() (statement_cache.h), so a query shape seen before on it
// skips SQLite's parse and plan.
//
// A pooled connection never holds a read transaction, so it never pins a WAL
// snapshot or holds up a checkpoint (readers never block the writer), and
// its next user sees every commit made meanwhile. A connection is closed
// instead of pooled when, on return, a statement other than the ones it
// keeps (reset, holding nothing) still exists or a transaction is open, or
// its last call failed; and on Acquire when the
// database's schema changed since it was opened (schema_version or
// user_version, i.e. a migration or DDL by another process) or the index
// path no longer names the file it opened (removed or replaced: every idle
// connection is closed, and the new one reports what is there now).
//
// Thread-safe; one PooledReader is used by one thread at a time. The pool
// must outlive every PooledReader it handed out.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/index/statement_cache.h"

namespace pixeldex::index {

class ReaderPool;

class PooledReader {
 public:
  PooledReader(PooledReader&& other) noexcept;
  PooledReader& operator=(PooledReader&& other) noexcept;
  PooledReader(const PooledReader&) = delete;
  PooledReader& operator=(const PooledReader&) = delete;
  // Gives the connection back to its pool (or closes it, see above).
  ~PooledReader();

  Db& db() { return *db_; }
  // The connection's kept statements; a statement taken from it ends (is
  // given back) before this PooledReader does.
  StatementCache& statements();

 private:
  friend class ReaderPool;
  struct Connection;
  PooledReader(ReaderPool* pool, std::unique_ptr<Connection> connection);
  void Return();

  ReaderPool* pool_ = nullptr;
  std::unique_ptr<Connection> connection_;
  Db* db_ = nullptr;
};

class ReaderPool {
 public:
  static constexpr size_t kDefaultMaxIdle = 4;

  explicit ReaderPool(std::string index_path, size_t max_idle = kDefaultMaxIdle);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // A read-only connection prepared for reading, from the pool or new.
  Result<PooledReader> Acquire();

  // Connections waiting in the pool, and how many were opened in all (for
  // tests and metrics).
  size_t idle() const;
  int64_t opened() const;

 private:
  friend class PooledReader;
  Result<std::unique_ptr<PooledReader::Connection>> OpenConnection();
  // Takes a connection back; keeps it when healthy and there is room.
  void Put(std::unique_ptr<PooledReader::Connection> connection);

  const std::string index_path_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<PooledReader::Connection>> idle_;
  int64_t opened_ = 0;
};

}  // namespace pixeldex::index

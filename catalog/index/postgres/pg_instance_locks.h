#pragma once
// PgInstanceLocks: a lock per SOP Instance UID shared by every process that
// writes one PostgreSQL index (the nodes of a shared archive), so that two
// nodes storing or deleting the same instance at the same moment take turns
// (IndexBackend::LockInstance; the threads of one process take turns
// before, IndexWriter::LockInstance). Each is a
// session-level advisory lock (PostgreSQL documentation 9.28.10, "Advisory
// Lock Functions": pg_advisory_lock(bigint) waits until it is granted;
// pg_advisory_unlock releases it) whose key is the 64-bit FNV-1a hash of the
// UID (fnv1a.h): two UIDs that share a key only wait for each other more often.
//
// A lock is held on a connection of its own while the store runs (taken
// from a pool of idle ones, opened on demand); it goes back to the pool once
// released. The server ends a session's locks with the session, so a node
// that dies, or loses its connection, never leaves one held. Thread-safe.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/index_backend.h"
#include "catalog/index/postgres/pg_connection.h"

namespace pixeldex::index::postgres {

class PgInstanceLocks {
 public:
  explicit PgInstanceLocks(std::string uri) : uri_(std::move(uri)) {}

  // Waits for the lock of `sop_instance_uid`; kIoError "database
  // unavailable" when the server cannot be reached.
  Result<std::unique_ptr<InstanceLock>> Lock(const std::string& sop_instance_uid);
  // The same without waiting (pg_try_advisory_lock): nullptr when another
  // session holds it.
  Result<std::unique_ptr<InstanceLock>> TryLock(const std::string& sop_instance_uid);

  // The advisory lock key of a SOP Instance UID.
  static int64_t KeyOf(const std::string& sop_instance_uid);

 private:
  class Held;
  // Runs `function` ("pg_advisory_lock" or "pg_try_advisory_lock") on the
  // key of `name`: the lock, or nullptr when the function answers false.
  Result<std::unique_ptr<InstanceLock>> Take(const std::string& name, const char* function);
  // Takes an idle connection, or opens one.
  Result<PgConnection> Acquire();
  void ReturnIdle(PgConnection conn);

  std::string uri_;
  std::mutex mutex_;
  std::vector<PgConnection> idle_;  // guarded by mutex_
};

}  // namespace pixeldex::index::postgres

#pragma once
// IndexLockFile: the locks that the processes writing one SQLite index share
// (a server, and `pixeldex delete`, `reconcile`, `reindex`, `import` or
// `recycle` beside it), so that they take turns as the nodes of a PostgreSQL
// index do (pg_instance_locks.h): the stores and deletes of one SOP Instance
// UID (IndexBackend::LockInstance) and the recycling passes
// (IndexBackend::LockRecycling).
//
// Each lock is a write lock on one byte of the file `<index>.locks` beside
// the index, an open file description lock (fcntl(2), "Open file description
// locks (non-POSIX)": F_OFD_SETLKW waits for it, F_OFD_SETLK does not). The
// byte of a SOP Instance UID is its 64-bit FNV-1a hash (fnv1a.h) modulo
// 2^62: two UIDs that share a byte only wait for each other more often. The
// recycling lock is byte 2^62, which no UID's is. A lock may lie beyond the
// end of the file (fcntl(2)): the file stays empty.
//
// Every lock taken opens the file anew, and closing that descriptor releases
// it. An open file description lock belongs to its open file description,
// not to the process: two locks of one process on the same byte (two
// threads, two writers of the index) conflict exactly as those of two
// processes do, so this is correct without the mutexes IndexWriter takes
// before it (which only spare the threads of one writer the trip to the
// kernel); one descriptor shared by the locks of a process would instead
// grant a byte it already holds to a second thread. Opening costs a few
// microseconds per lock (open, fcntl and close; about 7 us measured when
// each lock also stat'ed the index), beside
// the milliseconds of a store's fsyncs. The lock ends with the process that
// holds it, however it ends, so a process that dies never leaves one held.
// The descriptor is O_CLOEXEC: a program the process runs does not hold it
// on.
//
// The file is created by the first lock, with the index's permissions; run
// as root (an administrator's `pixeldex delete`), it is given to the index's
// owner, as SQLite does its -wal and -shm files, so that a server running as
// that owner can still open it. Nothing that only reads the index locks:
// `pixeldex query` and the other readers never need the file. A file that
// cannot be opened or locked (a read-only archive) is a kIoError naming it;
// kResourceExhausted when the process is out of descriptors. Thread-safe.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/index_backend.h"

namespace pixeldex::index {

class IndexLockFile {
 public:
  // The lock file of the SQLite index at `index_path`.
  explicit IndexLockFile(const std::string& index_path);

  // Waits for the lock of `sop_instance_uid`.
  Result<std::unique_ptr<InstanceLock>> LockInstance(const std::string& sop_instance_uid);
  // The recycling lock (IndexBackend::LockRecycling): with `wait`, waits
  // while another holds it; without, nullopt when another holds it.
  Result<std::optional<std::unique_ptr<InstanceLock>>> LockRecycling(bool wait);

  // The lock file of the index at `index_path`: `<index_path>.locks`.
  static std::string PathOf(const std::string& index_path) { return index_path + ".locks"; }
  // The byte of the lock of `sop_instance_uid`, and of the recycling lock.
  static off_t ByteOf(const std::string& sop_instance_uid);
  static constexpr off_t kRecyclingByte = off_t{1} << 62;

 private:
  class Held;
  // Opens the file and locks `byte`: nullptr when `wait` is false and
  // another open file description holds it.
  Result<std::unique_ptr<InstanceLock>> Take(off_t byte, bool wait);
  // Opens the file for one lock; only when it is missing, creates it with
  // the index's permissions (and owner, as root).
  Result<int> Open();

  std::string index_path_;  // absolute
  std::string path_;        // PathOf(index_path_)
};

}  // namespace pixeldex::index

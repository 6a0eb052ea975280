#pragma once
// FileStore: durable, atomic placement of files in the storage layout.
//
// A file arrives under IncomingDir() (NewIncomingPath) and is validated;
// SyncIncoming() fsyncs its bytes (it may run on another thread while the file
// is being read), then Commit() makes it visible durably: create missing
// directories (fsyncing each parent, also of a directory another commit
// created and this store has not seen synced), link a new name to it, or
// rename it over an older file of the same name (atomically replacing it),
// fsync the directory. Commit() takes the
// proof that SyncIncoming() succeeded, so an unsynced file can never replace
// another. After Commit returns ok the file survives a crash or power
// loss; before, a crash leaves at most a temporary file, which Initialize()
// removes on the next start.
// CommitWhileSyncing() is Commit() for a file whose fsync is still running
// (the ingest pipeline's order, issue 20): a new name is linked and its
// directory fsynced while the file's fsync runs, so one sender waits for
// two device flushes at once instead of one after the other; it returns ok
// only once both have succeeded. The price, after a power loss (not a
// crash: the page cache holds the bytes), is that a name whose file was
// still being synced may be left with its data incomplete; nothing points
// at it (the caller writes rows only after an ok), no success was answered,
// and the start after that power loss walks the tree (in_flight_journal.h),
// which leaves such a file uncataloged and reports it. An existing
// name (a replacement) is never renamed over before the file is synced, so
// an answered older copy is never traded for an incomplete one.
// The in-flight journal: Commit() links the incoming file into the layout
// (at its name, or, replacing a file, beside it and then renamed over it)
// and leaves the incoming name in place; its owner (IncomingFile) removes it once the file's rows are
// written. So every committed file that may lack rows has a second link in
// the incoming directory, and a start after a crash finds what was in flight
// there (JournalEntries) instead of walking the whole tree. The journal costs
// no fsync: an entry that reappears after a power loss names a file that is
// cataloged already, which reconcile finds unchanged. Across a power loss it
// relies on metadata staying in order (the entry, created before the file's
// fsync, durable once the link's directory is synced), as journaling file
// systems keep it; README, "Crash safety and reconciliation", says what to
// do on others.
// Every step goes through a FileSystem (file_system.h), so tests can make any
// one of them fail, and none follows a symbolic link inside the tree: a
// planted link makes the commit fail (IoError naming it), never redirects it.
// Initialize() refuses an incoming directory that is a symbolic link.
// Directories are walked to once, not once per step: a commit opens the
// root and each directory down to the file's (checking each for a link as
// it goes) and does every step there; the store holds its incoming
// directory open from the first call that needs it (or Initialize) until it
// is destroyed, for the fsync, link and removal of incoming files. Incoming
// files are written by path, so should that directory be moved or replaced
// meanwhile, their steps fail (kNotFound) and never act elsewhere.
// Thread-safe: concurrent commits to different or equal names are fine;
// Initialize() runs before the store is shared.

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/storage/durable_directories.h"
#include "catalog/storage/file_system.h"
#include "catalog/storage/free_space_gauge.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::storage {

class FileStore {
 public:
  // `file_system` must outlive the store.
  explicit FileStore(StorageLayout layout, FileSystem& file_system = RealFileSystem());

  // Creates the root and incoming directory; removes temporary files a crash
  // left behind, returning how many. Files of another live process (a
  // `pixeldex import` receiving into the same store) are left alone, and so
  // are journal entries (committed files, for reconcile).
  Result<int> Initialize();
  // A fresh path in the incoming directory; nothing is created yet.
  std::string NewIncomingPath();
  // Proof that an incoming file's bytes are durable; only SyncIncoming()
  // makes one.
  class SyncedIncoming {
   public:
    const std::string& path() const { return path_; }

   private:
    friend class FileStore;
    explicit SyncedIncoming(std::string path) : path_(std::move(path)) {}
    std::string path_;
  };
  // fsyncs a complete incoming file. Thread-safe; the file may be read
  // meanwhile. With `fd`, a descriptor of that file the caller holds open
  // until this returns, through it (one open and close fewer).
  Result<SyncedIncoming> SyncIncoming(const std::string& incoming_path, int fd = -1);
  // Makes the synced incoming file durable at `relative_path`. On error
  // nothing new is visible there: a failure after the link (or rename)
  // unlinks the new name again, unless it replaced an older file (whose content is then gone;
  // reconcile re-catalogs the path because its size and mtime no longer match
  // the row).
  Status Commit(const SyncedIncoming& incoming, const std::string& relative_path);
  // The fsync of an incoming file, started (SyncIncoming on another thread)
  // and not yet joined.
  using PendingSync = std::future<Result<SyncedIncoming>>;
  // What a commit did at its name: made it, or replaced the file there.
  enum class Placement { kNew, kReplaced };
  // Commit() of `incoming_path`, whose fsync `file_sync` may still run (see
  // above). Ok only when the file, its name and its directory are durable
  // (`file_sync` joined); on error nothing new is visible at
  // `relative_path`, as for Commit(), the error being the first of the
  // directory's fsync and the file's, and `file_sync` may be left unjoined
  // (a failure before the name is made): the caller waits for it before it
  // removes the file. On success, whether something was at `relative_path`
  // before (the link that found it taken; the caller's lock on the name
  // keeps that true).
  Result<Placement> CommitWhileSyncing(const std::string& incoming_path, PendingSync& file_sync,
                                       const std::string& relative_path);
  // Removes a committed file durably (unlink, fsync directory).
  Status Remove(const std::string& relative_path);
  // The journal entries a process that is gone left behind: incoming files
  // committed into the layout (a second link), whose rows may be missing.
  // Sorted paths.
  std::vector<std::string> JournalEntries() const;
  // Removes an incoming file; errors are ignored (it may not exist).
  void Discard(const std::string& incoming_path);
  // Bytes available to this process on the storage file system (statfs).
  Result<uint64_t> FreeBytes() const;
  // FreeBytes() for an admission check against `minimum` bytes
  // (storage.min_free_mb), measured only when due: free_space_gauge.h says
  // when, and what the estimate in between keeps.
  Result<uint64_t> FreeBytesFor(uint64_t minimum) const;
  // A file of `bytes` was stored into the layout (FreeBytesFor counts it).
  void NoteStored(uint64_t bytes) const;
  // Every process that named this node's incoming files is known to be gone
  // (another node's directory taken over under its lock, `pixeldex reconcile
  // --node`), whatever process the pid in a name is on this machine: from
  // now on Initialize and JournalEntries take every file.
  void AssumeWritersGone() { writers_gone_ = true; }

  const StorageLayout& layout() const { return layout_; }
  // The file system every step goes through.
  FileSystem& file_system() const { return fs_; }

 private:
  // A path relative to the root, or an incoming file's path, for fs_.
  TreePath InTree(const std::filesystem::path& relative) const;
  // The incoming directory, held open (opened by the first call).
  Result<std::shared_ptr<const Directory>> Incoming();
  // The name of an incoming file in the incoming directory; InvalidArgument
  // for a path elsewhere.
  Result<std::string> IncomingName(const std::string& incoming_path) const;
  // Commit, joining `file_sync` (when not null) as late as it may.
  Result<Placement> Place(const std::string& incoming_path, const std::string& relative_path,
               PendingSync* file_sync);
  // The directory `relative_dir` below the root, open; missing directories
  // on the way are created and every entry on the way made durable.
  Result<Directory> OpenDurableDirectories(const std::filesystem::path& relative_dir);

  StorageLayout layout_;
  FileSystem& fs_;
  DurableDirectories durable_directories_;
  std::mutex incoming_mutex_;
  std::shared_ptr<const Directory> incoming_;  // guarded by incoming_mutex_
  std::atomic<uint64_t> counter_{0};
  std::string name_prefix_;
  bool writers_gone_ = false;
  mutable FreeSpaceGauge free_space_{[this] { return FreeBytes(); }};
};

}  // namespace pixeldex::storage

#pragma once
// Deleting instances from the archive (`pixeldex delete`), crash-safe. The
// instance's lock is held throughout (IndexWriter::LockInstance, which every
// store of the same SOP Instance UID takes too, by this process's threads
// and by every other process writing the index: on SQLite a byte of the
// lock file beside it, on PostgreSQL an advisory lock), and the path is the
// one the index records once it is held. The
// durable intent is the file itself, moved into the storage root's
// .deleting/ directory (StorageLayout::DeletingRelativePath) before anything
// else happens:
//   1. rename the stored file to .deleting/<hex UID>.dcm, fsync both folders;
//   2. delete the instance's rows (one transaction; C-FIND, which reads the
//      index, stops returning it at once; parents left empty go too);
//   3. unlink the file in .deleting/, fsync; record the event `deleted`
//      with who and why.
// A crash after 1 leaves a file in .deleting/: start-up reconciliation
// (reconciler.h) and `pixeldex reindex` finish the delete
// (FinishInterruptedDeletes) before they walk the tree (which skips
// .deleting/), so a deleted instance is never cataloged again, and files and
// rows never disagree afterwards; under the instance's lock, so a delete
// still running (on another node) is left to its deleter, and rows whose
// file is at their recorded path (the instance received again after the
// interruption) are kept. Deletes are finished, never undone: the
// user asked for them. A file outside the storage root (cataloged with
// `import --in-place`) is not the archive's to delete: its rows go, the file
// stays. Safe beside a running server, within it (its recycling, DICOMweb
// DELETE) and on several nodes of one PostgreSQL index: the instance's lock
// makes a store and a delete of one SOP Instance UID take turns, and the
// index's own transactions serialise their rows (SQLite in WAL mode has one
// writer at a time); an instance received while it is deleted waits for
// the delete, then is stored again as new. An instance no
// longer in the index (deleted meanwhile by another deleter) is Ok, with no
// event of its own.

#include <cstdint>
#include <string>

#include "catalog/common/status.h"
#include "catalog/index/index_writer.h"
#include "catalog/storage/file_system.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::reconcile {

// The instance to delete; its path is read from the index under its lock.
struct DeleteTarget {
  std::string sop_instance_uid;
};

// `who_and_why` becomes the event's detail, e.g. "user alice: consent withdrawn".
Status DeleteInstance(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                      index::IndexWriter& writer, const DeleteTarget& target,
                      const std::string& who_and_why);

// Finishes every delete a crash interrupted (steps 2 and 3 for each file in
// .deleting/), recording the event `delete_finished`. Returns how many.
Result<int64_t> FinishInterruptedDeletes(storage::FileSystem& file_system,
                                         const storage::StorageLayout& layout,
                                         index::IndexWriter& writer);

}  // namespace pixeldex::reconcile

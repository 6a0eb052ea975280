#pragma once
// Deleting instances from the archive (`pixeldex delete`), crash-safe. The
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
// rows never disagree afterwards. Deletes are finished, never undone: the
// user asked for them. A file outside the storage root (cataloged with
// `import --in-place`) is not the archive's to delete: its rows go, the file
// stays. Safe beside a running server (the index is SQLite in WAL mode;
// writes of several processes are serialised); an instance received again
// while it is deleted is stored again as new. Not thread-safe per instance.

#include <cstdint>
#include <string>

#include "catalog/common/status.h"
#include "catalog/index/index_writer.h"
#include "catalog/storage/file_system.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::reconcile {

struct DeleteTarget {
  std::string sop_instance_uid;
  std::string recorded_path;  // the instances.path of its row
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

#pragma once
// The in-flight journal, read at a server's start instead of walking the
// whole storage tree. FileStore (file_store.h) leaves a second link in the
// incoming directory to every file it commits until that file's rows are
// written, so a crash leaves one entry per file that may lack rows (a few per
// association in flight, whatever the archive's size). The marker
// StorageLayout::JournalCompleteMarker() says that the journal covers every
// file of the layout without rows: a server sets it after a full walk
// (reconciler.h), and from then on every file enters the layout through
// FileStore::Commit. Files a person puts into the tree, or cataloges in place
// with an interrupted `pixeldex import --in-place`, are not journaled:
// `pixeldex check` and `pixeldex reindex` walk the tree, and
// storage.walk_at_start makes every start walk it.
//
// A power cut can undo what was not synced, and the journal's entries are
// not (file_store.h). So a server marks the archive as served while it runs
// (MarkServing: a directory `.serving-<boot id>` below the root, removed by
// MarkStopped at a clean stop); a start that finds the mark of another boot
// (the machine went down while serving) walks instead of trusting the
// journal. A kill without a reboot leaves the page cache, and the journal,
// intact.
//
// ReadJournal maps each entry a process that is gone left behind to the
// layout file it became, by the pipeline's own rule (StorageLayout::
// RelativePathFor of the UIDs in its data set) and confirmed by device and
// inode, so that only those files are cataloged; RemoveJournal then drops the
// entries and any link a commit left before its rename (a replacement's). For the start-up
// thread, before anything is received.

#include <set>
#include <string>
#include <vector>

#include "catalog/common/status.h"
#include "catalog/storage/file_store.h"

namespace pixeldex::reconcile {

struct JournalEntry {
  std::string incoming_path;    // the entry
  bool resolved = false;        // its data set was read
  std::string committed_path;   // absolute: the layout file it is; "" when none
  std::string committing_path;  // absolute: a link left before the rename; "" when none
};

// True when the archive's journal covers every file without rows.
bool JournalComplete(const storage::StorageLayout& layout);
// Sets the marker durably (mkdir, fsync of the root); idempotent.
Status MarkJournalComplete(storage::FileSystem& file_system, const storage::StorageLayout& layout);

// True when the archive was being served when the machine last went down
// (a serving mark of another boot than this one's).
bool ServedAcrossAReboot(const storage::StorageLayout& layout);
// Marks the archive served from this boot (durably), replacing older marks.
Status MarkServing(storage::FileSystem& file_system, const storage::StorageLayout& layout);
// Removes this boot's mark (durably), at a clean stop.
Status MarkStopped(storage::FileSystem& file_system, const storage::StorageLayout& layout);

// The entries processes that are gone left behind, each resolved when its
// data set can be read (unresolved ones leave their file to a walk).
std::vector<JournalEntry> ReadJournal(const storage::FileStore& store);

// Removes the links a commit left before its rename (before a walk, which
// must not catalog them).
void RemoveCommittingLinks(storage::FileStore& store, const std::vector<JournalEntry>& journal);
// Removes the entries themselves, once their files are cataloged, except
// those whose file could not be (`failed`: absolute paths), which the next
// start tries again.
void RemoveJournal(storage::FileStore& store, const std::vector<JournalEntry>& journal,
                   const std::set<std::string>& failed);

}  // namespace pixeldex::reconcile

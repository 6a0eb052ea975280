#pragma once
// StorageLayout: the one owner of on-disk names below the storage root.
//
//   <root>/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm
//   <root>/.incoming/<unique>.part        files being received, and the
//                                          in-flight journal: a second link
//                                          to a file committed into the
//                                          layout whose rows may not be
//                                          written yet (file_store.h)
//   <root>/<Study>/<Series>/<unique>.part  the same file for an instant
//                                          while it is committed (a link
//                                          renamed over the final name)
//   <root>/.journal-complete/              a directory: every file of the
//                                          layout without rows is in the
//                                          journal (catalog/reconcile/
//                                          in_flight_journal.h)
//   <root>/.deleting/<hex of UID>.dcm      files of a delete in progress: the
//                                          durable intent (catalog/reconcile/
//                                          instance_deleter.h)
//   <root>/.serving-<boot id>/             a directory: the archive is being
//                                          served (in_flight_journal.h)
//
// On an archive several nodes share (a PostgreSQL index), each node's layout
// names a node (its host name): its incoming directory, with its in-flight
// journal and its serving marks, is then <root>/.incoming/<node>/, so that a
// node only ever cleans and reconciles its own (README, "Several nodes, one
// archive"). Without a node (SQLite) the layout is as above.
//
// A UID becomes a path component only if it is path-safe: 1 to 64 characters,
// digits and dots only, no empty component (PS3.5 9.1; leading zeros, which
// PS3.5 forbids but old devices send, are tolerated). Any other UID ("../..",
// "a/b", 200 characters) is mapped to "x" followed by 32 hex digits of its
// SHA-256, so nothing can ever name a path outside the root. Thread-safe.

#include <filesystem>
#include <string>
#include <string_view>

#include "catalog/common/status.h"

namespace pixeldex::storage {

class StorageLayout {
 public:
  explicit StorageLayout(std::filesystem::path root);
  // A node's layout of a shared archive; `node` is made a safe path
  // component (NodeComponent). An empty `node` is the layout above.
  StorageLayout(std::filesystem::path root, std::string_view node);

  const std::filesystem::path& root() const { return root_; }
  // Where received files wait until they are durable and validated: this
  // node's below IncomingRoot(), or IncomingRoot() itself without a node.
  std::filesystem::path IncomingDir() const {
    return node_.empty() ? IncomingRoot() : IncomingRoot() / node_;
  }
  // The incoming directories of every node: never part of the archive.
  std::filesystem::path IncomingRoot() const { return root_ / ".incoming"; }
  // Where this node marks the archive as served: the root without a node,
  // else its incoming directory.
  std::filesystem::path ServingMarksDir() const { return node_.empty() ? root_ : IncomingDir(); }
  const std::string& node() const { return node_; }
  // Marks an archive whose in-flight journal is complete (see above).
  std::filesystem::path JournalCompleteMarker() const { return root_ / ".journal-complete"; }
  // Below the root: where an incoming file is linked beside `relative_path`
  // before it is renamed over it (the incoming file's own name, in the same
  // directory).
  static std::string CommittingRelativePath(std::string_view relative_path,
                                            std::string_view incoming_path);
  // Where the file of an instance being deleted waits until its rows are gone.
  std::filesystem::path DeletingDir() const { return root_ / ".deleting"; }
  // The name (below the root) of that file for `sop_instance_uid`, and the
  // inverse from its file name ("" when it is not one).
  static std::string DeletingRelativePath(std::string_view sop_instance_uid);
  static std::string UidOfDeletingName(std::string_view file_name);
  // '/'-separated path below the root for an instance.
  std::string RelativePathFor(std::string_view study_uid, std::string_view series_uid,
                              std::string_view sop_instance_uid) const;
  std::filesystem::path Absolute(std::string_view relative_path) const;
  // How the index records where a cataloged file is: for a file below the
  // root (outside the incoming directory) its '/'-separated path relative to
  // the root, else its absolute, lexically normal path. Lexical: symbolic
  // links are not resolved.
  std::string RecordedPath(const std::filesystem::path& file) const;
  // The file a recorded path names (the inverse of RecordedPath).
  std::filesystem::path FileOf(std::string_view recorded_path) const;
  // Before a recorded path is read: InvalidArgument when it is empty or
  // climbs out of the root (a ".." component); an edited index must not make
  // pixeldex serve /etc/... An absolute path (pixeldex import --in-place) is
  // accepted as recorded.
  static Status CheckRecordedPath(std::string_view recorded_path);

  // `node` as one path component: characters other than letters, digits,
  // '.', '-' and '_' become '_', and a leading '.' too.
  static std::string NodeComponent(std::string_view node);

  // True for UIDs that may be used verbatim as a path component.
  static bool IsPathSafeUid(std::string_view uid);
  // The UID itself when path-safe, else its hashed stand-in.
  static std::string ComponentFor(std::string_view uid);

 private:
  std::filesystem::path root_;
  std::string node_;
};

// True for a UID that is valid by PS3.5 9.1 (digits and dots, at most 64
// characters, no empty component, no leading zero in a multi-digit component).
bool IsValidDicomUid(std::string_view uid);

}  // namespace pixeldex::storage

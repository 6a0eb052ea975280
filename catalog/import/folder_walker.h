#pragma once
// FolderWalker: the files below a set of roots, found recursively, in a
// stable order (entries of each directory sorted by name, files of a
// directory before its subdirectories).
//
// Symbolic links are not followed by default: a link whose target lies in the
// tree names something the walk reaches by its real path anyway, and one that
// leads out of the tree leads out of what the user asked for. With
// `follow_symlinks` every link is followed; each directory is then entered at
// most once (by device and inode), so link cycles and bind-mount loops end,
// and a file reached by several links is reported once. A root that is itself
// a link is always followed (the user named it). Only regular files are
// reported: FIFOs, sockets and devices are skipped, never opened.
//
// One Walk() at a time per walker; callbacks run on the calling thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/common/status.h"

namespace pixeldex::import {

struct WalkOptions {
  bool follow_symlinks = false;
  // When set and true, the walk stops at the next entry.
  const std::atomic<bool>* cancel = nullptr;
  // Directories never entered (e.g. the store's own incoming directory),
  // recognised by device and inode whatever path leads to them.
  std::vector<std::string> skip_directories;
  // Files never reported (e.g. the index's own files below a storage root),
  // recognised the same way.
  std::vector<std::string> skip_files;
  // Regular files with more than one hard link, found below a root
  // directory, are not reported (a root given as a file always is): on an
  // archive shared by several nodes, those are in some node's in-flight
  // journal, that node's to catalog (catalog/reconcile/reconciler.h).
  bool skip_linked_files = false;
};

struct WalkedFile {
  std::string path;  // the root as given, joined with the names below it
  int64_t size_bytes = 0;
};

struct WalkStats {
  int64_t files = 0;
  int64_t directories = 0;
  int64_t symlinks_skipped = 0;  // not followed, or dangling
  int64_t revisits_avoided = 0;  // a directory or file already reached
  int64_t special_skipped = 0;   // FIFOs, sockets, devices
  int64_t linked_skipped = 0;    // WalkOptions::skip_linked_files
};

class FolderWalker {
 public:
  // Called for each regular file; return false to stop the walk.
  using FileFn = std::function<bool(WalkedFile)>;
  // Called for a root or directory that cannot be read; the walk goes on.
  using ErrorFn = std::function<void(const std::string& path, const Status& error)>;

  explicit FolderWalker(WalkOptions options) : options_(options) {}

  // Walks `roots` (directories or regular files) in the order given.
  WalkStats Walk(const std::vector<std::string>& roots, const FileFn& on_file,
                 const ErrorFn& on_error) const;

 private:
  WalkOptions options_;
};

}  // namespace pixeldex::import

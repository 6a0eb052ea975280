#include "catalog/import/folder_walker.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>

namespace pixeldex::import {
namespace {

using FileId = std::pair<dev_t, ino_t>;

std::string Join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// The names in `dir` (without "." and ".."), sorted.
Status ListDirectory(const std::string& dir, std::vector<std::string>* names) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::FromErrno(errno, "cannot open directory " + dir);
  errno = 0;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names->push_back(name);
    errno = 0;
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) return Status::FromErrno(err, "cannot read directory " + dir);
  std::sort(names->begin(), names->end());
  return Status::Ok();
}

// State of one Walk() call.
class TreeWalk {
 public:
  TreeWalk(const WalkOptions& options, const FolderWalker::FileFn& on_file,
           const FolderWalker::ErrorFn& on_error)
      : options_(options), on_file_(on_file), on_error_(on_error) {
    for (const auto* paths : {&options.skip_directories, &options.skip_files}) {
      for (const std::string& path : *paths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) skipped_.insert({st.st_dev, st.st_ino});
      }
    }
  }

  void Root(const std::string& root) {
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0) {
      on_error_(root, Status::FromErrno(errno, "cannot read " + root));
      return;
    }
    if (S_ISREG(st.st_mode)) {
      File(root, st);
    } else if (S_ISDIR(st.st_mode)) {
      if (FirstVisit(dirs_, st)) Tree(root);
    } else {
      on_error_(root, Status::InvalidArgument(root + " is neither a directory nor a file"));
    }
  }

  bool stopped() const { return stopped_; }
  const WalkStats& stats() const { return stats_; }

 private:
  bool Cancelled() const { return options_.cancel != nullptr && options_.cancel->load(); }

  bool FirstVisit(std::set<FileId>& seen, const struct stat& st) {
    if (skipped_.count({st.st_dev, st.st_ino}) > 0) return false;  // not a revisit
    if (seen.insert({st.st_dev, st.st_ino}).second) return true;
    ++stats_.revisits_avoided;
    return false;
  }

  void File(const std::string& path, const struct stat& st) {
    if (skipped_.count({st.st_dev, st.st_ino}) > 0) return;
    // Without links a file has one path in the tree (hard links aside), so
    // the bookkeeping is needed only when following them.
    if (options_.follow_symlinks && !FirstVisit(files_, st)) return;
    ++stats_.files;
    if (!on_file_(WalkedFile{path, static_cast<int64_t>(st.st_size)})) stopped_ = true;
  }

  // Depth first with an explicit stack, so deep trees cannot overflow ours.
  void Tree(const std::string& root) {
    std::vector<std::string> pending = {root};
    while (!pending.empty() && !stopped_) {
      const std::string dir = std::move(pending.back());
      pending.pop_back();
      ++stats_.directories;
      std::vector<std::string> names;
      if (Status s = ListDirectory(dir, &names); !s.ok()) {
        on_error_(dir, s);
        continue;
      }
      std::vector<std::string> subdirs;
      for (const std::string& name : names) {
        if (stopped_ || Cancelled()) {
          stopped_ = true;
          return;
        }
        const std::string path = Join(dir, name);
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) {
          on_error_(path, Status::FromErrno(errno, "cannot read " + path));
          continue;
        }
        if (S_ISLNK(st.st_mode)) {
          if (!options_.follow_symlinks || ::stat(path.c_str(), &st) != 0) {
            ++stats_.symlinks_skipped;
            continue;
          }
        }
        if (S_ISREG(st.st_mode) && options_.skip_linked_files && st.st_nlink > 1) {
          ++stats_.linked_skipped;
        } else if (S_ISREG(st.st_mode)) {
          File(path, st);
        } else if (S_ISDIR(st.st_mode)) {
          // Also guards against bind mounts of an ancestor without links.
          if (FirstVisit(dirs_, st)) subdirs.push_back(path);
        } else {
          ++stats_.special_skipped;
        }
      }
      // Reversed, so the first subdirectory by name is walked first.
      pending.insert(pending.end(), subdirs.rbegin(), subdirs.rend());
    }
  }

  const WalkOptions& options_;
  const FolderWalker::FileFn& on_file_;
  const FolderWalker::ErrorFn& on_error_;
  std::set<FileId> skipped_;  // WalkOptions::skip_directories and skip_files
  std::set<FileId> dirs_;
  std::set<FileId> files_;
  WalkStats stats_;
  bool stopped_ = false;
};

}  // namespace

WalkStats FolderWalker::Walk(const std::vector<std::string>& roots, const FileFn& on_file,
                             const ErrorFn& on_error) const {
  TreeWalk walk(options_, on_file, on_error);
  for (const std::string& root : roots) {
    if (walk.stopped() || (options_.cancel != nullptr && options_.cancel->load())) break;
    walk.Root(root);
  }
  return walk.stats();
}

}  // namespace pixeldex::import

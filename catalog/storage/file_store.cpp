#include "catalog/storage/file_store.h"

#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <random>

namespace pixeldex::storage {

namespace fs = std::filesystem;

namespace {

// Incoming names start with the pid of the process receiving into them
// (NewIncomingPath). True when that is another process that is still alive.
bool BelongsToAnotherLiveProcess(const fs::path& incoming_file) {
  const std::string name = incoming_file.filename().string();
  const size_t dash = name.find('-');
  if (dash == 0 || dash == std::string::npos) return false;
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + dash, pid);
  // Not all digits, or too large for a pid: no process of ours named it.
  if (error != std::errc() || end != name.data() + dash || pid <= 0) return false;
  return pid != ::getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
}

}  // namespace

FileStore::FileStore(StorageLayout layout, FileSystem& file_system)
    : layout_(std::move(layout)), fs_(file_system) {
  std::random_device rd;
  name_prefix_ = std::to_string(::getpid()) + "-" + std::to_string(rd() & 0xffffff) + "-";
}

Result<int> FileStore::Initialize() {
  std::error_code ec;
  fs::create_directories(layout_.IncomingDir(), ec);
  if (ec) return Status::FromErrno(ec.value(), "cannot create " + layout_.IncomingDir().string());
  // Received bytes are written into it by path: it must be the directory
  // itself, not a link to somewhere else.
  if (fs::is_symlink(layout_.IncomingDir(), ec)) {
    return Status::IoError(layout_.IncomingDir().string() +
                           " is a symbolic link: pixeldex never writes through one");
  }
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(layout_.IncomingDir(), ec)) {
    if (!entry.is_regular_file() || (!writers_gone_ && BelongsToAnotherLiveProcess(entry.path()))) {
      continue;
    }
    // A second link means it was committed: a journal entry, for reconcile.
    if (entry.hard_link_count(ec) > 1) continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  if (ec) return Status::FromErrno(ec.value(), "cannot clean " + layout_.IncomingDir().string());
  {
    std::lock_guard lock(incoming_mutex_);
    incoming_.reset();  // opened again below: it may have been made just now
  }
  auto incoming_dir = Incoming();
  if (!incoming_dir.ok()) return incoming_dir.status();
  PIXELDEX_RETURN_IF_ERROR(fs_.SyncAt(**incoming_dir, ""));
  // A node's directory is an entry of the incoming root.
  if (!layout_.node().empty()) {
    PIXELDEX_RETURN_IF_ERROR(fs_.Sync(InTree(layout_.IncomingRoot().lexically_relative(layout_.root()))));
  }
  return removed;
}

std::string FileStore::NewIncomingPath() {
  return (layout_.IncomingDir() / (name_prefix_ + std::to_string(counter_.fetch_add(1)) + ".part"))
      .string();
}

TreePath FileStore::InTree(const fs::path& relative) const {
  return TreePath{layout_.root(), relative};
}

Result<std::shared_ptr<const Directory>> FileStore::Incoming() {
  std::lock_guard lock(incoming_mutex_);
  if (!incoming_) {
    auto opened = fs_.OpenDirectory(InTree(layout_.IncomingDir().lexically_relative(layout_.root())));
    if (!opened.ok()) return opened.status();
    incoming_ = std::make_shared<const Directory>(std::move(opened).value());
  }
  return incoming_;
}

Result<std::string> FileStore::IncomingName(const std::string& incoming_path) const {
  const fs::path path(incoming_path);
  if (path.parent_path() != layout_.IncomingDir()) {
    return Status::InvalidArgument("not an incoming file of " + layout_.IncomingDir().string() +
                                   ": " + incoming_path);
  }
  return path.filename().string();
}

Result<Directory> FileStore::OpenDurableDirectories(const fs::path& relative_dir) {
  auto dir = fs_.OpenRoot(layout_.root());
  fs::path current;
  for (const auto& part : relative_dir) {
    if (!dir.ok()) break;
    const std::string name = part.string();
    current /= part;
    auto child = fs_.OpenSubdirectory(*dir, name);
    bool created = false;
    if (!child.ok() && child.status().code() == Status::Code::kNotFound) {
      const Status made = fs_.CreateDirectoryAt(*dir, name);
      if (!made.ok() && made.code() != Status::Code::kAlreadyExists) return made;
      created = made.ok();
      child = fs_.OpenSubdirectory(*dir, name);
    }
    if (!child.ok()) return child.status();
    // A new directory entry is durable only once its parent is synced. When
    // it already existed, another commit may have made it and not synced
    // yet (or failed to), so the parent is synced unless that is known done.
    if (created || !durable_directories_.Contains(current.string())) {
      PIXELDEX_RETURN_IF_ERROR(fs_.SyncAt(*dir, ""));
      durable_directories_.Insert(current.string());
    }
    dir = std::move(child);
  }
  return dir;
}

Result<FileStore::SyncedIncoming> FileStore::SyncIncoming(const std::string& incoming_path,
                                                          int fd) {
  auto incoming_dir = Incoming();
  if (!incoming_dir.ok()) return incoming_dir.status();
  auto name = IncomingName(incoming_path);
  if (!name.ok()) return name.status();
  PIXELDEX_RETURN_IF_ERROR(fd < 0 ? fs_.SyncAt(**incoming_dir, *name)
                                  : fs_.SyncOpenAt(**incoming_dir, *name, fd));
  return SyncedIncoming(incoming_path);
}

Status FileStore::Commit(const SyncedIncoming& incoming, const std::string& relative_path) {
  return Place(incoming.path(), relative_path, nullptr).status();
}

Result<FileStore::Placement> FileStore::CommitWhileSyncing(const std::string& incoming_path,
                                                           PendingSync& file_sync,
                                                           const std::string& relative_path) {
  return Place(incoming_path, relative_path, &file_sync);
}

namespace {

// Waits for the fsync of an incoming file.
Status Joined(FileStore::PendingSync& file_sync) {
  auto synced = file_sync.get();
  return synced.ok() ? Status::Ok() : synced.status();
}

}  // namespace

Result<FileStore::Placement> FileStore::Place(const std::string& incoming_path,
                                              const std::string& relative_path,
                                              PendingSync* file_sync) {
  const fs::path relative(relative_path);
  if (relative.is_absolute() || relative.empty()) {
    return Status::InvalidArgument("not a relative storage path: " + relative_path);
  }
  for (const auto& part : relative) {
    if (part == ".." || part == ".") {
      return Status::InvalidArgument("storage path leaves the root: " + relative_path);
    }
  }
  auto incoming_dir = Incoming();
  if (!incoming_dir.ok()) return incoming_dir.status();
  auto incoming_name = IncomingName(incoming_path);
  if (!incoming_name.ok()) return incoming_name.status();
  // Every step below is in this one directory (or from the incoming one).
  auto dir = OpenDurableDirectories(relative.parent_path());
  if (!dir.ok()) return dir.status();
  // The incoming name stays, as the journal entry. A new name is linked to
  // the file at once (link(2) never replaces, so it is also how a name that
  // exists, a file or anything else, is found: no stat first). No other
  // commit writes this name meanwhile: the pipeline holds the instance's
  // lock, and the name is the instance's.
  const std::string name = relative.filename().string();
  const Status linked = fs_.LinkAt(**incoming_dir, *incoming_name, *dir, name);
  const bool replaces = linked.code() == Status::Code::kAlreadyExists;
  if (!linked.ok() && !replaces) return linked;
  if (replaces) {
    // An older file is replaced only by a durable one: it may be an answered
    // copy, and the rename can reach the disk before the new file's bytes.
    if (file_sync != nullptr) {
      PIXELDEX_RETURN_IF_ERROR(Joined(*file_sync));
      file_sync = nullptr;
    }
    // Linked beside the target, then renamed over it (atomic).
    const std::string committing =
        fs::path(StorageLayout::CommittingRelativePath(relative_path, incoming_path)).filename().string();
    PIXELDEX_RETURN_IF_ERROR(fs_.LinkAt(**incoming_dir, *incoming_name, *dir, committing));
    if (Status moved = fs_.RenameAt(*dir, committing, *dir, name); !moved.ok()) {
      (void)fs_.RemoveFileAt(*dir, committing);
      return moved;
    }
  }
  // Two flushes at once: this directory's and, still running, the file's.
  const Status dir_synced = fs_.SyncAt(*dir, "");
  const Status file_synced = file_sync != nullptr ? Joined(*file_sync) : Status::Ok();
  const Status synced = dir_synced.ok() ? file_synced : dir_synced;
  // Commit fails with `synced` either way; a file left behind is reconciled.
  // A name made durable for a file that is not is removed durably.
  if (!synced.ok() && !replaces) {
    if (fs_.RemoveFileAt(*dir, name).ok() && dir_synced.ok()) (void)fs_.SyncAt(*dir, "");
  }
  if (!synced.ok()) return synced;
  return replaces ? Placement::kReplaced : Placement::kNew;
}

Status FileStore::Remove(const std::string& relative_path) {
  const fs::path relative(relative_path);
  auto dir = fs_.OpenDirectory(InTree(relative.parent_path()));
  if (!dir.ok()) return dir.status();
  PIXELDEX_RETURN_IF_ERROR(fs_.RemoveFileAt(*dir, relative.filename().string()));
  return fs_.SyncAt(*dir, "");
}

std::vector<std::string> FileStore::JournalEntries() const {
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout_.IncomingDir(), ec)) {
    if (!entry.is_regular_file(ec) || (!writers_gone_ && BelongsToAnotherLiveProcess(entry.path()))) {
      continue;
    }
    if (entry.hard_link_count(ec) > 1) entries.push_back(entry.path().string());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

void FileStore::Discard(const std::string& incoming_path) {
  // It may not exist; a leftover is removed at the next start.
  auto incoming_dir = Incoming();
  auto name = IncomingName(incoming_path);
  if (incoming_dir.ok() && name.ok()) (void)fs_.RemoveFileAt(**incoming_dir, *name);
}

Result<uint64_t> FileStore::FreeBytes() const {
  struct statvfs fs_stats {};
  if (::statvfs(layout_.root().c_str(), &fs_stats) != 0) {
    return Status::FromErrno(errno, "cannot stat file system of " + layout_.root().string());
  }
  return static_cast<uint64_t>(fs_stats.f_bavail) * fs_stats.f_frsize;
}

Result<uint64_t> FileStore::FreeBytesFor(uint64_t minimum) const {
  return free_space_.FreeBytesFor(minimum);
}

void FileStore::NoteStored(uint64_t bytes) const { free_space_.Consumed(bytes); }

}  // namespace pixeldex::storage

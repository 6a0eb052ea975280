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
  const fs::path incoming = layout_.IncomingDir().lexically_relative(layout_.root());
  PIXELDEX_RETURN_IF_ERROR(fs_.Sync(InTree(incoming)));
  // A node's directory is an entry of the incoming root.
  if (!layout_.node().empty()) PIXELDEX_RETURN_IF_ERROR(fs_.Sync(InTree(incoming.parent_path())));
  return removed;
}

std::string FileStore::NewIncomingPath() {
  return (layout_.IncomingDir() / (name_prefix_ + std::to_string(counter_.fetch_add(1)) + ".part"))
      .string();
}

TreePath FileStore::InTree(const fs::path& relative) const {
  return TreePath{layout_.root(), relative};
}

TreePath FileStore::IncomingInTree(const std::string& incoming_path) const {
  return TreePath{layout_.root(), fs::path(incoming_path).lexically_relative(layout_.root())};
}

Status FileStore::EnsureDirectories(const fs::path& relative_dir) {
  fs::path current;
  for (const auto& part : relative_dir) {
    const fs::path parent = current;
    current /= part;
    Status created = fs_.CreateDirectory(InTree(current));
    if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
    // A new directory entry is durable only once its parent is synced. When
    // it already existed, another commit may have made it and not synced
    // yet (or failed to), so the parent is synced unless that is known done.
    if (created.ok() || !durable_directories_.Contains(current.string())) {
      PIXELDEX_RETURN_IF_ERROR(fs_.Sync(InTree(parent)));
      durable_directories_.Insert(current.string());
    }
  }
  return Status::Ok();
}

Result<FileStore::SyncedIncoming> FileStore::SyncIncoming(const std::string& incoming_path) {
  PIXELDEX_RETURN_IF_ERROR(fs_.Sync(IncomingInTree(incoming_path)));
  return SyncedIncoming(incoming_path);
}

Status FileStore::Commit(const SyncedIncoming& incoming, const std::string& relative_path) {
  const std::string& incoming_path = incoming.path();
  const fs::path relative(relative_path);
  if (relative.is_absolute() || relative.empty()) {
    return Status::InvalidArgument("not a relative storage path: " + relative_path);
  }
  for (const auto& part : relative) {
    if (part == ".." || part == ".") {
      return Status::InvalidArgument("storage path leaves the root: " + relative_path);
    }
  }
  PIXELDEX_RETURN_IF_ERROR(EnsureDirectories(relative.parent_path()));
  std::error_code ec;
  const bool replaces = fs::exists(layout_.root() / relative, ec);
  // The incoming name stays, as the journal entry: linked beside the target,
  // then renamed over it (atomic, replacing an older file).
  const fs::path committing(StorageLayout::CommittingRelativePath(relative_path, incoming_path));
  PIXELDEX_RETURN_IF_ERROR(fs_.Link(IncomingInTree(incoming_path), InTree(committing)));
  if (Status moved = fs_.Rename(InTree(committing), InTree(relative)); !moved.ok()) {
    (void)fs_.RemoveFile(InTree(committing));
    return moved;
  }
  Status synced = fs_.Sync(InTree(relative.parent_path()));
  // Commit fails with `synced` either way; a file left behind is reconciled.
  if (!synced.ok() && !replaces) (void)fs_.RemoveFile(InTree(relative));
  return synced;
}

Status FileStore::Remove(const std::string& relative_path) {
  const fs::path relative(relative_path);
  PIXELDEX_RETURN_IF_ERROR(fs_.RemoveFile(InTree(relative)));
  return fs_.Sync(InTree(relative.parent_path()));
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
  (void)fs_.RemoveFile(IncomingInTree(incoming_path));  // it may not exist; a leftover is removed at the next start
}

Result<uint64_t> FileStore::FreeBytes() const {
  struct statvfs fs_stats {};
  if (::statvfs(layout_.root().c_str(), &fs_stats) != 0) {
    return Status::FromErrno(errno, "cannot stat file system of " + layout_.root().string());
  }
  return static_cast<uint64_t>(fs_stats.f_bavail) * fs_stats.f_frsize;
}

}  // namespace pixeldex::storage

#include "tests/support/faulty_file_system.h"

namespace pixeldex::testing {

void FaultyFileSystem::FailOnce(Op op, int skip, int err) {
  std::lock_guard lock(mutex_);
  armed_[op] = Fault{skip, err};
}

int FaultyFileSystem::Calls(Op op) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

std::vector<std::string> FaultyFileSystem::SyncedPaths() const {
  std::lock_guard lock(mutex_);
  return synced_paths_;
}

Status FaultyFileSystem::Injected(Op op, const std::string& path) {
  std::lock_guard lock(mutex_);
  ++calls_[op];
  auto it = armed_.find(op);
  if (it == armed_.end()) return Status::Ok();
  if (it->second.skip-- > 0) return Status::Ok();
  const int err = it->second.err;
  armed_.erase(it);
  return Status::FromErrno(err, "injected fault on " + path);
}

Result<storage::Directory> FaultyFileSystem::OpenRoot(const std::filesystem::path& root) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kOpenDirectory, root.string()));
  return storage::RealFileSystem().OpenRoot(root);
}

Result<storage::Directory> FaultyFileSystem::OpenSubdirectory(const storage::Directory& parent,
                                                              const std::string& name) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kOpenDirectory, parent.FullOf(name)));
  return storage::RealFileSystem().OpenSubdirectory(parent, name);
}

Status FaultyFileSystem::SyncAt(const storage::Directory& dir, const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    synced_paths_.push_back(dir.FullOf(name));
  }
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kSync, dir.FullOf(name)));
  return storage::RealFileSystem().SyncAt(dir, name);
}

Status FaultyFileSystem::SyncOpenAt(const storage::Directory& dir, const std::string& name,
                                    int fd) {
  {
    std::lock_guard lock(mutex_);
    synced_paths_.push_back(dir.FullOf(name));
  }
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kSync, dir.FullOf(name)));
  return storage::RealFileSystem().SyncOpenAt(dir, name, fd);
}

Status FaultyFileSystem::CreateDirectoryAt(const storage::Directory& parent,
                                           const std::string& name) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kCreateDirectory, parent.FullOf(name)));
  return storage::RealFileSystem().CreateDirectoryAt(parent, name);
}

Status FaultyFileSystem::RenameAt(const storage::Directory& from_dir, const std::string& from,
                                  const storage::Directory& to_dir, const std::string& to) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kRename, to_dir.FullOf(to)));
  return storage::RealFileSystem().RenameAt(from_dir, from, to_dir, to);
}

Status FaultyFileSystem::LinkAt(const storage::Directory& from_dir, const std::string& from,
                                const storage::Directory& to_dir, const std::string& to) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kLink, to_dir.FullOf(to)));
  return storage::RealFileSystem().LinkAt(from_dir, from, to_dir, to);
}

Status FaultyFileSystem::RemoveFileAt(const storage::Directory& dir, const std::string& name) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kRemoveFile, dir.FullOf(name)));
  return storage::RealFileSystem().RemoveFileAt(dir, name);
}

}  // namespace pixeldex::testing

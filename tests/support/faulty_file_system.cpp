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

Status FaultyFileSystem::Sync(const storage::TreePath& path) {
  {
    std::lock_guard lock(mutex_);
    synced_paths_.push_back(path.Full());
  }
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kSync, path.Full()));
  return storage::RealFileSystem().Sync(path);
}

Status FaultyFileSystem::CreateDirectory(const storage::TreePath& path) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kCreateDirectory, path.Full()));
  return storage::RealFileSystem().CreateDirectory(path);
}

Status FaultyFileSystem::Rename(const storage::TreePath& from, const storage::TreePath& to) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kRename, to.Full()));
  return storage::RealFileSystem().Rename(from, to);
}

Status FaultyFileSystem::Link(const storage::TreePath& from, const storage::TreePath& to) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kLink, to.Full()));
  return storage::RealFileSystem().Link(from, to);
}

Status FaultyFileSystem::RemoveFile(const storage::TreePath& path) {
  PIXELDEX_RETURN_IF_ERROR(Injected(Op::kRemoveFile, path.Full()));
  return storage::RealFileSystem().RemoveFile(path);
}

}  // namespace pixeldex::testing

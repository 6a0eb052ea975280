#include "catalog/storage/incoming_file.h"

#include <utility>

#include "catalog/storage/file_store.h"

namespace pixeldex::storage {

IncomingFile::IncomingFile(FileStore& store, std::string path)
    : store_(&store), path_(std::move(path)) {}

IncomingFile::IncomingFile(IncomingFile&& other) noexcept
    : store_(other.store_), path_(std::exchange(other.path_, {})) {}

IncomingFile::~IncomingFile() { std::move(*this).Discard(); }

void IncomingFile::Discard() && {
  if (!path_.empty()) store_->Discard(std::exchange(path_, {}));
}

std::string IncomingFile::Release() && { return std::exchange(path_, {}); }

IncomingFile NewIncomingFile(FileStore& store) { return IncomingFile(store, store.NewIncomingPath()); }

}  // namespace pixeldex::storage

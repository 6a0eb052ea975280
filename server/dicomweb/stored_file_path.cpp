#include "server/dicomweb/stored_file_path.h"

#include "catalog/storage/storage_layout.h"

namespace pixeldex::server {

Result<std::filesystem::path> StoredFilePath(const std::filesystem::path& storage_root,
                                             const query::StoredFile& stored) {
  PIXELDEX_RETURN_IF_ERROR(storage::StorageLayout::CheckRecordedPath(stored.path));
  const std::filesystem::path file = storage::StorageLayout(storage_root).FileOf(stored.path);
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(file, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) {
    return Status::NotFound("stored file " + stored.path + " is missing");
  }
  if (status.type() != std::filesystem::file_type::regular) {
    return Status::Corruption("stored file " + stored.path + " is not a regular file");
  }
  const uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec || size != stored.size_bytes) {
    return Status::Corruption("stored file " + stored.path + " has " + std::to_string(size) +
                              " bytes, the index records " + std::to_string(stored.size_bytes));
  }
  return file;
}

}  // namespace pixeldex::server

#include "catalog/index/stored_files.h"

namespace pixeldex::index {

Result<std::vector<StoredFile>> ListStoredFiles(Db& db, const InstanceScope& scope) {
  auto stmt = PrepareInScope(db,
                             "se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, "
                             "i.transfer_syntax_uid, i.path, i.size_bytes, i.number_of_frames",
                             "", scope);
  if (!stmt.ok()) return stmt.status();
  std::vector<StoredFile> files;
  while (stmt->Step()) {
    files.push_back({stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3), stmt->Text(4),
                     static_cast<uint64_t>(stmt->Int(5)),
                     stmt->IsNull(6) ? 0 : static_cast<int>(stmt->Int(6))});
  }
  PIXELDEX_RETURN_IF_ERROR(stmt->status());
  return files;
}

}  // namespace pixeldex::index

#include "tests/support/archive_audit.h"

#include <filesystem>
#include <set>
#include <thread>

#include "catalog/storage/sha256.h"
#include "tests/support/index_probe.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

std::string List(const char* label, const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += std::string(label) + " " + item + "\n";
  return out;
}

}  // namespace

bool ArchiveAudit::Consistent() const {
  return files_without_row.empty() && rows_without_file.empty() && hash_mismatches.empty() &&
         temporary_files.empty();
}

std::string ArchiveAudit::Describe() const {
  return std::to_string(rows) + " rows\n" + List("file without row:", files_without_row) +
         List("row without file:", rows_without_file) + List("hash mismatch:", hash_mismatches) +
         List("temporary file:", temporary_files);
}

ArchiveAudit AuditArchive(const std::string& storage_root, const std::string& index_path) {
  ArchiveAudit audit;
  const fs::path root(storage_root);
  std::set<std::string> recorded;
  for (const Row& row :
       IndexProbe(index_path)
           .Rows("SELECT sop_instance_uid, path, sha256, size_bytes FROM instances")) {
    ++audit.rows;
    recorded.insert(row[1]);
    const fs::path file = root / row[1];
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      audit.rows_without_file.push_back(row[0]);
      continue;
    }
    auto sha256 = storage::Sha256OfFile(file.string());
    if (!sha256.ok() || *sha256 != row[2] || std::to_string(fs::file_size(file)) != row[3]) {
      audit.hash_mismatches.push_back(row[0]);
    }
  }
  if (!fs::exists(root)) return audit;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), root).generic_string();
    const bool incoming = relative.rfind(".incoming/", 0) == 0;
    if (incoming || entry.path().extension() == ".part") {
      audit.temporary_files.push_back(relative);
    } else if (recorded.count(relative) == 0) {
      audit.files_without_row.push_back(relative);
    }
  }
  return audit;
}

bool WaitForFileWithoutRows(const std::string& storage_root, const std::string& index_path,
                            std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!AuditArchive(storage_root, index_path).files_without_row.empty()) return true;
    std::this_thread::yield();
  }
  return false;
}

}  // namespace pixeldex::testing

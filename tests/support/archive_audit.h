#pragma once
// AuditArchive: the durability invariants of an archive, checked from the
// outside (std::filesystem and plain SQL, not pixeldex's own checker):
//   - every file below the storage root (outside .incoming/) has a row;
//   - every row's file exists, and its SHA-256 and size are the row's;
//   - no temporary file is visible: .incoming/ is empty and no *.part file
//     lies in the layout.

#include <chrono>
#include <string>
#include <vector>

namespace pixeldex::testing {

struct ArchiveAudit {
  std::vector<std::string> files_without_row;  // paths relative to the root
  std::vector<std::string> rows_without_file;  // SOP Instance UIDs
  std::vector<std::string> hash_mismatches;    // SOP Instance UIDs
  std::vector<std::string> temporary_files;    // paths relative to the root
  long long rows = 0;

  bool Consistent() const;
  // A readable list of every violation, for assertion messages.
  std::string Describe() const;
};

// Throws std::runtime_error when the index cannot be read.
ArchiveAudit AuditArchive(const std::string& storage_root, const std::string& index_path);

// Polls (bounded by `timeout`) until a stored file without rows is visible,
// e.g. a store that finished its file and waits for the index; returns
// whether one appeared.
bool WaitForFileWithoutRows(const std::string& storage_root, const std::string& index_path,
                            std::chrono::seconds timeout);

}  // namespace pixeldex::testing

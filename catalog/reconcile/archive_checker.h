#pragma once
// CheckArchive: verifies the stored files against the index without changing
// either (`pixeldex check`). It walks the storage tree (leaving out the
// incoming directory), hashes every file, and reads every row:
//   missing   a row whose file is not there
//   extra     a DICOM instance file below the root that no row records
//   mismatch  a file whose SHA-256 or size differs from its row's
//   unreadable  a file or directory that cannot be read
//   foreign   a file below the root that is not DICOM, or DICOM but not an
//             instance (a DICOMDIR): nothing to catalog; a warning, not a
//             problem with the archive
// Files cataloged in place outside the root (pixeldex import --in-place) are
// checked through their rows, and counted apart.
// Each finding is confirmed against the index and the file again after the
// walk, and once more two seconds later, so the stores of a server running
// meanwhile (file placed, rows not yet committed) are not reported. Reads
// through its own connection to either backend (archive_reads.h; on SQLite a
// WAL reader); never blocks a writer. Single-threaded: hashing is bound by
// the disk.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/storage/storage_layout.h"

namespace pixeldex::reconcile {

enum class Problem { kMissing, kExtra, kMismatch, kUnreadable, kForeign };

// "missing", "extra", "mismatch", "unreadable" or "foreign".
const char* ProblemName(Problem problem);

// True for findings that are worth a look but say nothing is wrong with the
// archive (kForeign).
bool IsWarning(Problem problem);

struct Finding {
  Problem problem = Problem::kMissing;
  std::string sop_instance_uid;  // empty for extra files
  std::string path;              // as recorded (relative to the root, or absolute)
  std::string detail;
};

struct CheckReport {
  int64_t files = 0;  // files below the root (outside the incoming directory)
  int64_t rows = 0;   // instance rows
  int64_t rows_outside_root = 0;  // of them, cataloged in place outside the root
  int64_t bytes_hashed = 0;
  std::vector<Finding> findings;  // in walk order, then row order
};

// Errors only when the index cannot be read; unreadable files are findings.
Result<CheckReport> CheckArchive(const storage::StorageLayout& layout,
                                 const std::string& index_path);

}  // namespace pixeldex::reconcile

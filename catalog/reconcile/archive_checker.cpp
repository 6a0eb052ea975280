#include "catalog/reconcile/archive_checker.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "catalog/import/dicom_sniffer.h"
#include "catalog/import/folder_walker.h"
#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/reconcile/reconciler.h"
#include "catalog/storage/sha256.h"

namespace pixeldex::reconcile {
namespace {

namespace fs = std::filesystem;

// How long a problem must last to be reported: longer than a store takes
// from "file in place" to "rows committed" on a busy server.
constexpr auto kConfirmationGrace = std::chrono::seconds(2);

// A file no row records: an instance left uncataloged (extra), or a file
// that is no instance at all (foreign).
Finding Unrecorded(const std::string& file, const std::string& recorded_path) {
  std::string what;
  auto kind = import::ClassifyDicomFile(file, &what);
  if (kind.ok() && *kind == import::DicomKind::kNotDicom) {
    return {Problem::kForeign, "", recorded_path, "not DICOM"};
  }
  if (kind.ok() && *kind == import::DicomKind::kNotInstance) {
    return {Problem::kForeign, "", recorded_path, "not an instance: " + what};
  }
  return {Problem::kExtra, "", recorded_path, "no row records this file"};
}

// Compares files with the rows that record them, through one read connection.
class FileVerifier {
 public:
  static Result<FileVerifier> Open(const storage::StorageLayout& layout,
                                   const std::string& index_path) {
    auto reads = index::OpenArchiveReads(index_path);
    if (!reads.ok()) return reads.status();
    return FileVerifier(layout, std::move(reads).value());
  }

  index::ArchiveReads& reads() { return *reads_; }

  // The findings for the file at `recorded_path` and the rows naming it.
  Result<std::vector<Finding>> Verify(const std::string& recorded_path, int64_t* bytes_hashed) {
    auto rows = reads_->At(recorded_path);
    if (!rows.ok()) return rows.status();
    std::vector<Finding> findings;
    const fs::path file = layout_.FileOf(recorded_path);
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      for (const index::RecordedFile& row : *rows) {
        findings.push_back({Problem::kMissing, row.sop_instance_uid, recorded_path,
                            "the index records this file; it is not there"});
      }
      return findings;
    }
    if (rows->empty()) {
      findings.push_back(Unrecorded(file.string(), recorded_path));
      return findings;
    }
    auto sha256 = storage::Sha256OfFile(file.string());
    const auto size = static_cast<int64_t>(fs::file_size(file, ec));
    if (!sha256.ok() || ec) {
      findings.push_back({Problem::kUnreadable, rows->front().sop_instance_uid, recorded_path,
                          sha256.ok() ? ec.message() : sha256.status().ToString()});
      return findings;
    }
    *bytes_hashed += size;
    for (const index::RecordedFile& row : *rows) {
      if (row.sha256 == *sha256 && row.size_bytes == size) continue;
      findings.push_back({Problem::kMismatch, row.sop_instance_uid, recorded_path,
                          "index: " + std::to_string(row.size_bytes) + " bytes, sha256 " +
                              row.sha256 + "; file: " + std::to_string(size) + " bytes, sha256 " +
                              *sha256});
    }
    return findings;
  }

 private:
  FileVerifier(const storage::StorageLayout& layout, std::unique_ptr<index::ArchiveReads> reads)
      : layout_(layout), reads_(std::move(reads)) {}

  const storage::StorageLayout& layout_;
  std::unique_ptr<index::ArchiveReads> reads_;
};

void Append(std::vector<Finding>& to, std::vector<Finding> findings) {
  for (Finding& f : findings) to.push_back(std::move(f));
}

bool SameFinding(const Finding& a, const Finding& b) {
  return a.problem == b.problem && a.sop_instance_uid == b.sop_instance_uid && a.path == b.path;
}

// Unreadable and foreign files are what they are; the rest may be a store in
// progress.
bool NeedsConfirmation(const Finding& finding) {
  return finding.problem != Problem::kUnreadable && !IsWarning(finding.problem);
}

// The candidates that are still problems, verified again.
Result<std::vector<Finding>> ConfirmOnce(FileVerifier& verifier,
                                         const std::vector<Finding>& candidates) {
  std::vector<Finding> confirmed;
  for (const Finding& candidate : candidates) {
    if (!NeedsConfirmation(candidate)) {
      confirmed.push_back(candidate);
      continue;
    }
    int64_t ignored = 0;
    auto now = verifier.Verify(candidate.path, &ignored);
    if (!now.ok()) return now.status();
    for (Finding& f : *now) {
      if (SameFinding(f, candidate)) confirmed.push_back(std::move(f));
    }
  }
  return confirmed;
}

}  // namespace

const char* ProblemName(Problem problem) {
  // In the order of the enumerators.
  static constexpr const char* kNames[] = {"missing", "extra", "mismatch", "unreadable",
                                           "foreign"};
  return kNames[static_cast<size_t>(problem)];
}

bool IsWarning(Problem problem) { return problem == Problem::kForeign; }

Result<CheckReport> CheckArchive(const storage::StorageLayout& layout,
                                 const std::string& index_path) {
  auto verifier = FileVerifier::Open(layout, index_path);
  if (!verifier.ok()) return verifier.status();
  CheckReport report;
  std::vector<Finding> candidates;
  Status failed;

  // The files below the root.
  import::WalkOptions walk;
  walk.skip_directories = {layout.IncomingRoot().string(), layout.DeletingDir().string()};
  walk.skip_files = IndexFiles(index_path);
  import::FolderWalker walker(walk);
  walker.Walk(
      {layout.root().string()},
      [&](const import::WalkedFile& file) {
        ++report.files;
        auto findings = verifier->Verify(layout.RecordedPath(file.path), &report.bytes_hashed);
        if (!findings.ok()) failed = findings.status();
        if (findings.ok()) Append(candidates, std::move(findings).value());
        return findings.ok();
      },
      [&](const std::string& path, const Status& error) {
        candidates.push_back(
            {Problem::kUnreadable, "", layout.RecordedPath(path), error.ToString()});
      });
  PIXELDEX_RETURN_IF_ERROR(failed);

  // The rows the walk cannot have covered: files gone, or cataloged in place
  // outside the root.
  {
    std::set<std::string> verified;
    PIXELDEX_RETURN_IF_ERROR(verifier->reads().ForEachRecordedPath(
        [&](const std::string&, const std::string& path) -> Status {
          ++report.rows;
          const bool outside_root = fs::path(path).is_absolute();
          if (outside_root) ++report.rows_outside_root;
          std::error_code ec;
          const bool covered = !outside_root && fs::exists(layout.FileOf(path), ec);
          if (covered || !verified.insert(path).second) return Status::Ok();
          auto findings = verifier->Verify(path, &report.bytes_hashed);
          if (!findings.ok()) return findings.status();
          Append(candidates, std::move(findings).value());
          return Status::Ok();
        }));
  }

  // Confirm each candidate against the index as it is now, and what is left
  // once more after a grace period: a store in progress (file in place, rows
  // waiting for the group commit) is not a problem.
  auto confirmed = ConfirmOnce(*verifier, candidates);
  if (confirmed.ok() && std::any_of(confirmed->begin(), confirmed->end(), NeedsConfirmation)) {
    std::this_thread::sleep_for(kConfirmationGrace);
    confirmed = ConfirmOnce(*verifier, *confirmed);
  }
  if (!confirmed.ok()) return confirmed.status();
  report.findings = std::move(confirmed).value();
  return report;
}

}  // namespace pixeldex::reconcile

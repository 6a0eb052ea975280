#pragma once
// The texts an import shows a person: the progress line (on a terminal) and
// the final summary (on stdout). Pure formatting; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/import/folder_walker.h"
#include "catalog/import/import_tally.h"

namespace pixeldex::import {

struct ProgressSnapshot {
  ImportCounts counts;
  // Files and bytes the import will visit in all; negative while unknown
  // (the counting walk has not finished).
  int64_t total_files = -1;
  int64_t total_bytes = -1;
  double elapsed_seconds = 0;
};

// "1234/5000 files  250 files/s  62.1 MB/s  ETA 0:15  1 failed". The ETA
// divides the bytes left by the byte rate so far (file sizes vary more than
// the time per byte does).
std::string FormatProgressLine(const ProgressSnapshot& snapshot);

struct ImportSummary {
  ImportCounts counts;
  std::vector<ImportFailure> failures;  // the first few, with reasons
  WalkStats walk;
  double elapsed_seconds = 0;
  bool cancelled = false;  // stopped early by a signal
};

// Counts per result, throughput, walk notes, and the failures listed (with
// "first N of M" when not all are), under a first line naming the command.
std::string FormatSummary(const ImportSummary& summary);
// The same for `pixeldex reindex`, in its own words: rebuilt (cataloged again
// at the path its row records), new, moved, unchanged, corrupt, left
// uncataloged (another copy is cataloged), not DICOM, not an instance, failed.
std::string FormatReindexSummary(const ImportSummary& summary);

}  // namespace pixeldex::import

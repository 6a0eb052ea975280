#pragma once
// CatalogLookup: the questions an import asks the index before doing any
// work on a file, through its own read-only connection to either backend
// (archive_reads.h; on SQLite a WAL reader: it never blocks the writer, and
// sees what was committed before each query).
//   - what does the index record for this path? (instance, SHA-256, size, mtime)
//   - was a corruption of this instance's file reported? (file_corrupt events,
//     read once at Open and shared by the lookups Opener() opens)
//   - which contents are cataloged? (every instance's SHA-256, read once)
// One lookup per thread: a connection is not shared.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::import {

using index::RecordedFile;

class CatalogLookup {
 public:
  // Opens the index storage.index names read-only: a SQLite file, which must
  // exist (IndexWriter creates it), or a postgresql:// URI.
  static Result<CatalogLookup> Open(const std::string& index_location);
  // Opens further lookups, each with a connection of its own to the same
  // index, for other threads; they answer CorruptionReported from this
  // one's reports (not read again). Callable after this lookup is moved.
  std::function<Result<CatalogLookup>()> Opener() const;

  // The row that records `recorded_path` (as the pipeline records it), if any.
  Result<std::optional<RecordedFile>> RecordedAt(const std::string& recorded_path);

  // True when a `file_corrupt` event reports a file of this instance: such a
  // file is verified again at every reconcile until a person resolves it.
  bool CorruptionReported(const std::string& sop_instance_uid) const {
    return corruption_->instances.contains(sop_instance_uid);
  }
  // True when exactly this report (instance and detail) was recorded before.
  bool CorruptionReported(const std::string& sop_instance_uid, const std::string& detail) const {
    return corruption_->reports.contains(sop_instance_uid + '\n' + detail);
  }

  // Calls `fn` with the lowercase hex SHA-256 of every cataloged instance.
  Status ForEachContentHash(const std::function<void(std::string_view)>& fn);

 private:
  struct CorruptionReports {
    std::unordered_set<std::string> instances;
    std::unordered_set<std::string> reports;  // sop_instance_uid '\n' detail
  };
  CatalogLookup(std::string index_location, std::unique_ptr<index::ArchiveReads> reads,
                std::shared_ptr<const CorruptionReports> corruption)
      : index_location_(std::move(index_location)),
        reads_(std::move(reads)),
        corruption_(std::move(corruption)) {}

  std::string index_location_;
  std::unique_ptr<index::ArchiveReads> reads_;
  std::shared_ptr<const CorruptionReports> corruption_;
};

}  // namespace pixeldex::import

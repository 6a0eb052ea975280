#pragma once
// The index reads of the WADO-RS resources (PS3.18 10.4.1), through an
// IndexReader (index_reader.h) so that they run on SQLite and on PostgreSQL
// alike (issue 18): for the instances of a study, of one series of it, or
// one instance of that series (index::InstanceScope), in series and
// instance order, what the index records of each file (retrieve, frames,
// bulk data, rendered, thumbnails), the stored DICOM JSON headers
// (metadata) and the stored thumbnails. No file is touched. The scope's UIDs are bound parameters;
// each read is one statement of the reader (on PostgreSQL one read-only
// transaction). One thread at a time, as the reader.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/instance_scope.h"
#include "catalog/query/index_reader.h"

namespace pixeldex::query {

struct StoredFile {
  std::string series_uid;
  std::string sop_instance_uid;
  std::string sop_class_uid;
  std::string transfer_syntax_uid;
  std::string path;  // as recorded: relative to the storage root, or absolute
  uint64_t size_bytes = 0;
  int number_of_frames = 0;  // 0 when the instance has no Number of Frames
};

Result<std::vector<StoredFile>> ListStoredFiles(IndexReader& reader,
                                                const index::InstanceScope& scope);

// Views into the current row: valid during the callback only.
struct StoredHeader {
  std::string_view series_uid;
  std::string_view sop_instance_uid;
  // The header as JSON text (PS3.18 F.2): on SQLite as stored, on
  // PostgreSQL as jsonb prints it (the same JSON; see the README).
  std::string_view json;
};

// How many headers `scope` has and their bytes in all, to size an answer
// before it is built (one query, the texts are not sent).
struct HeadersSize {
  size_t count = 0;
  size_t bytes = 0;
};
Result<HeadersSize> SizeOfHeaders(IndexReader& reader, const index::InstanceScope& scope);

// Calls `on_header` with each header of `scope`; returns how many there were.
Result<size_t> ForEachHeader(IndexReader& reader, const index::InstanceScope& scope,
                             const std::function<void(const StoredHeader& header)>& on_header);

// The PNG of the thumbnail that stands for a study, a series or an instance
// (the DICOMweb Thumbnail resources, PS3.18 10.7): among the instances below
// the given UIDs (an empty `series_uid` / `sop_instance_uid` widens to the
// whole study / series; an empty `study_uid` matches any study) whose
// thumbnail rendered, the first by series number, then instance number
// (ties by arrival). nullopt when there is none.
Result<std::optional<std::string>> FindRepresentativeThumbnail(IndexReader& reader,
                                                               std::string_view study_uid,
                                                               std::string_view series_uid,
                                                               std::string_view sop_instance_uid);

}  // namespace pixeldex::query

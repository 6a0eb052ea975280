#pragma once
// The thumbnail reads of the tools outside the ingest path: the stored
// thumbnail of one instance (`pixeldex thumbnail`; the DICOMweb Thumbnail
// resources read through catalog/query/instance_reads.h), and the instances
// whose thumbnail `pixeldex thumbnails` is to render. Written once here and
// run on either backend through ArchiveReads::ForEachRow (archive_reads.h),
// so that they work on the SQLite file and on PostgreSQL alike; the rows
// rendered go back through IndexWriter::ReplaceThumbnails. Stateless; the
// ArchiveReads is the caller's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/index/archive_reads.h"

namespace pixeldex::index {

// What the index holds for one SOP Instance UID.
struct ThumbnailLookup {
  bool instance_found = false;
  // The thumbnail row; absent when the instance has none (or does not exist).
  std::optional<ThumbnailRecord> thumbnail;
};

// Reads the thumbnail row of the instance with `sop_instance_uid`.
Result<ThumbnailLookup> FindThumbnail(ArchiveReads& reads, const std::string& sop_instance_uid);

// Which instances a rebuild visits.
enum class ThumbnailSelection {
  kMissing,  // no thumbnail row, or status 'disabled' (received with thumbnails off)
  kAll,      // every instance
};

// An instance whose thumbnail is to be (re)rendered, identified by its key
// and the checksum of the file as it was cataloged.
struct ThumbnailTarget {
  int64_t instance_pk = 0;
  std::string sop_instance_uid;
  std::string path;    // instances.path: below the storage root, or absolute
  std::string sha256;  // instances.sha256
};

// Up to `limit` selected instances with instance_pk > `after_instance_pk`, in
// instance_pk order: call again with the last key to page through the index
// without holding a read transaction open between pages.
Result<std::vector<ThumbnailTarget>> ListThumbnailTargets(ArchiveReads& reads,
                                                          ThumbnailSelection selection,
                                                          int64_t after_instance_pk, int limit);

}  // namespace pixeldex::index

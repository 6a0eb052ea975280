#pragma once
// Thumbnail rows outside the ingest path: reading the stored thumbnail of one
// instance (`pixeldex thumbnail`; the DICOMweb Thumbnail resources read
// through catalog/query/instance_reads.h), and listing instances whose thumbnail is
// missing and replacing their rows (`pixeldex thumbnails`). The ingest
// pipeline writes thumbnails together with the instance through IndexWriter;
// these functions serve the tools that run beside it, possibly while a server
// holds the index open (WAL mode, busy timeout).
//
// All functions take a connection the caller owns and use it on the calling
// thread only. FindThumbnail works on a read-only connection; the listing and
// ReplaceThumbnails need a connection prepared with PrepareForWriting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

// What the index holds for one SOP Instance UID.
struct ThumbnailLookup {
  bool instance_found = false;
  // The thumbnail row; absent when the instance has none (or does not exist).
  std::optional<ThumbnailRecord> thumbnail;
};

// Reads the thumbnail row of the instance with `sop_instance_uid`.
Result<ThumbnailLookup> FindThumbnail(Db& db, std::string_view sop_instance_uid);

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
Result<std::vector<ThumbnailTarget>> ListThumbnailTargets(Db& db, ThumbnailSelection selection,
                                                          int64_t after_instance_pk, int limit);

struct ThumbnailUpdate {
  ThumbnailTarget target;
  ThumbnailRecord thumbnail;
};

// Inserts or replaces the thumbnail rows of `updates` in one short write
// transaction (BEGIN IMMEDIATE ... COMMIT). An update whose instance was
// removed, or replaced by a different file (other sha256), since it was
// listed is skipped: its thumbnail would describe the wrong image. Returns,
// for each update in order, whether its row was written; on error none is.
Result<std::vector<bool>> ReplaceThumbnails(Db& db, const std::vector<ThumbnailUpdate>& updates);

}  // namespace pixeldex::index

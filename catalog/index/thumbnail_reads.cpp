#include "catalog/index/thumbnail_reads.h"

#include <utility>

namespace pixeldex::index {

Result<ThumbnailLookup> FindThumbnail(ArchiveReads& reads, const std::string& sop_instance_uid) {
  ThumbnailLookup lookup;
  PIXELDEX_RETURN_IF_ERROR(reads.ForEachRow(
      "SELECT t.instance_pk, t.status, t.width, t.height, t.png "
      "FROM instances i LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk "
      "WHERE i.sop_instance_uid = ?1",
      {sop_instance_uid}, [&](const RowCursor& row) -> Result<bool> {
        lookup.instance_found = true;
        if (row.IsNull(0)) return false;  // no thumbnail row
        const std::string stored = row.Text(1);
        const auto state = ParseStoredThumbnailStatus(stored);
        if (!state) return Status::Corruption("unknown thumbnail status '" + stored + "'");
        auto png = row.Bytes(4);
        if (!png.ok()) return png.status();
        lookup.thumbnail = ThumbnailRecord{state->status, state->reason,
                                           static_cast<int>(row.Int(2)),
                                           static_cast<int>(row.Int(3)), std::move(png).value()};
        return false;
      }));
  return lookup;
}

Result<std::vector<ThumbnailTarget>> ListThumbnailTargets(ArchiveReads& reads,
                                                          ThumbnailSelection selection,
                                                          int64_t after_instance_pk, int limit) {
  const std::string missing =
      selection == ThumbnailSelection::kAll ? "" : " AND (t.instance_pk IS NULL OR t.status = ?3)";
  std::vector<ReadParam> params = {after_instance_pk, int64_t{limit}};
  if (selection != ThumbnailSelection::kAll) {
    params.emplace_back(std::string(ThumbnailStatusName(ThumbnailStatus::kDisabled)));
  }
  std::vector<ThumbnailTarget> targets;
  PIXELDEX_RETURN_IF_ERROR(reads.ForEachRow(
      "SELECT i.instance_pk, i.sop_instance_uid, i.path, i.sha256 FROM instances i "
      "LEFT JOIN thumbnails t ON t.instance_pk = i.instance_pk WHERE i.instance_pk > ?1" +
          missing + " ORDER BY i.instance_pk LIMIT ?2",
      params, [&](const RowCursor& row) -> Result<bool> {
        targets.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3)});
        return true;
      }));
  return targets;
}

}  // namespace pixeldex::index

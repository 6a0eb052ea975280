#pragma once
// The archive size limit at C-STORE time (storage.max_size_mb): when the
// stored files have reached it, either the oldest unprotected studies are
// recycled (storage.recycling on; catalog/reconcile/recycler.h) or the store
// is refused with A700 Refused: Out of Resources (PS3.4 B.2.3); and the
// rules applied while the server runs (ApplyRetention, from its retention
// timer). The check reads a running total (catalog/reconcile/archive_size.h),
// not a sum of the whole index; only when that says the limit is reached is
// the exact sum taken. One recycling at a time (the recycler is not
// thread-safe; across the nodes of a PostgreSQL index it takes turns, see
// recycler.h): only a store that finds the limit reached waits for one in
// progress. Safe from any thread.

#include <atomic>
#include <optional>
#include <string>

#include "catalog/reconcile/recycler.h"
#include "server/association/server_context.h"
#include "server/config/settings.h"

namespace pixeldex::server {

// The retention and recycling rules of the settings; the size rule only when
// storage.recycling is on (otherwise the limit refuses, it never deletes).
reconcile::RecyclePolicy RecyclePolicyOf(const StorageSettings& storage);

// Nothing when a new instance may be stored (no limit, room left, or room
// made by recycling); otherwise why not, with the numbers, in at most 64
// characters (the A700's Error Comment, PS3.7 C.4), e.g.
// "archive 1030 MB reached storage.max_size_mb 1024".
std::optional<std::string> ArchiveSizeShortfall(const ServerContext& context);

// Applies RecyclePolicyOf(the settings) once, now, as `pixeldex recycle`
// does; stops between two studies once `cancel` is set. Skipped (the report
// says so) while another process of the index runs a pass (a `pixeldex
// recycle` beside it, another node of a PostgreSQL index;
// reconcile::RecycleTurn::kSkip): one process per round does the work.
Result<reconcile::RecycleReport> ApplyRetention(const ServerContext& context,
                                                const std::atomic<bool>& cancel);

}  // namespace pixeldex::server

#include "catalog/reconcile/archive_size.h"

#include "catalog/index/postgres/archive_reads_of.h"

namespace pixeldex::reconcile {

Result<index::ArchiveReads*> ArchiveSizeTracker::Reads() {
  if (!reads_) {
    auto reads = index::OpenArchiveReads(index_path_);
    if (!reads.ok()) return reads.status();
    reads_ = std::move(reads).value();
  }
  return reads_.get();
}

Result<int64_t> ArchiveSizeTracker::Exact() {
  auto reads = Reads();
  if (!reads.ok()) return reads.status();
  auto mark = index::SizeOfAll(**reads);
  if (!mark.ok()) return mark.status();
  base_ = *mark;
  return base_->bytes;
}

Result<int64_t> ArchiveSizeTracker::Estimate() {
  if (!base_) return Exact();
  auto reads = Reads();
  if (!reads.ok()) return reads.status();
  auto growth = index::SizeAddedSince(**reads, *base_);
  if (!growth.ok()) return growth.status();
  if (growth->since_row_now != base_->last_row) return Exact();  // deleted, or its pk reused
  base_->bytes += growth->added.bytes;
  base_->last_pk = growth->added.last_pk;
  base_->last_row = growth->added.last_row;
  return base_->bytes;
}

}  // namespace pixeldex::reconcile

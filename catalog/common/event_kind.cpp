#include "catalog/common/event_kind.h"

namespace pixeldex {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStoreFailed: return "store_failed";
    case EventKind::kDuplicateReplaced: return "duplicate_replaced";
    case EventKind::kDuplicateKept: return "duplicate_kept";
    case EventKind::kDuplicateInLayout: return "duplicate_in_layout";
    case EventKind::kThumbnailFailed: return "thumbnail_failed";
    case EventKind::kTextUndecodable: return "text_undecodable";
    case EventKind::kImportFailed: return "import_failed";
    case EventKind::kFileCorrupt: return "file_corrupt";
    case EventKind::kFileMissing: return "file_missing";
    case EventKind::kAssociationAborted: return "association_aborted";
    case EventKind::kRetrieve: return "retrieve";
    case EventKind::kRetrieveFailed: return "retrieve_failed";
    case EventKind::kRetrieveWarning: return "retrieve_warning";
    case EventKind::kDeleted: return "deleted";
    case EventKind::kDeleteFinished: return "delete_finished";
  }
  return "";
}

std::span<const EventKind> AllEventKinds() {
  static constexpr EventKind kAll[] = {
      EventKind::kStoreFailed,     EventKind::kDuplicateReplaced,  EventKind::kDuplicateKept,
      EventKind::kDuplicateInLayout, EventKind::kThumbnailFailed, EventKind::kTextUndecodable,
      EventKind::kImportFailed,    EventKind::kFileCorrupt,        EventKind::kFileMissing,
      EventKind::kAssociationAborted, EventKind::kRetrieve,        EventKind::kRetrieveFailed,
      EventKind::kRetrieveWarning, EventKind::kDeleted,           EventKind::kDeleteFinished,
  };
  return kAll;
}

}  // namespace pixeldex

#pragma once
// EventKind: what an `events` row records, with the one spelling of each kind
// in the column `events.kind`. The README's table of kinds ("The index") is
// checked against this list by tests/common/event_kind_test.cpp. Plain
// functions, safe from any thread.

#include <span>

namespace pixeldex {

enum class EventKind {
  kStoreFailed,         // a C-STORE was answered with a failure status
  kDuplicateReplaced,   // a new copy replaced the stored one (duplicates = replace)
  kDuplicateKept,       // the new copy was discarded (duplicates = keep)
  kDuplicateInLayout,   // a file below the root duplicates a cataloged copy; left alone
  kThumbnailFailed,     // the pixel data could not be rendered
  kTextUndecodable,     // text could not be decoded faithfully (U+FFFD, unknown terms)
  kImportFailed,        // a file could not be imported
  kFileCorrupt,         // in place, a file differs from its recorded SHA-256
  kFileMissing,         // an instance's file is gone (reconcile)
  kAssociationAborted,  // an unexpected exception ended an association
  kRetrieve,            // one C-GET or C-MOVE, with its counts
  kRetrieveFailed,      // retrieve sub-operations failed (or were never attempted)
  kRetrieveWarning,     // a retrieve sub-operation completed with a warning
  kDeleted,             // an instance was deleted (who and why in the detail)
  kDeleteFinished,      // an interrupted delete was finished at start-up
};

// "store_failed", "duplicate_replaced", ...: the text of `events.kind`.
const char* EventKindName(EventKind kind);

// Every kind, in declaration order.
std::span<const EventKind> AllEventKinds();

}  // namespace pixeldex

#pragma once
// The operational history pixeldex keeps next to the data (tables
// `associations` and `events`), in the project's own types.

#include <cstdint>
#include <optional>
#include <string>

#include "catalog/common/event_kind.h"

namespace pixeldex {

// One DICOM association, written when it ends (or is rejected).
struct AssociationRecord {
  std::string calling_aet;
  std::string called_aet;
  std::string peer_address;
  std::string started_at;  // ISO 8601 UTC
  std::string ended_at;
  int64_t accepted_contexts = 0;
  int64_t rejected_contexts = 0;
  int64_t instances = 0;
  int64_t bytes = 0;
  std::string outcome;  // "released", "aborted by peer", "rejected: <reason>", ...
};

// Something that went wrong or is worth noting about one instance.
struct EventRecord {
  EventKind kind = EventKind::kStoreFailed;
  std::string sop_instance_uid;
  std::string calling_aet;
  std::optional<int64_t> status_code;  // the DIMSE status sent, when there was one
  std::string detail;
};

}  // namespace pixeldex

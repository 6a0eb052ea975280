#pragma once
// DuplicatePolicy: what the ingest pipeline does when an instance whose SOP
// Instance UID is already cataloged arrives again (storage.duplicates). A
// header of its own so that settings and the command line name the policy
// without pulling in the pipeline (and the index and codecs behind it).

namespace pixeldex::ingest {

enum class DuplicatePolicy {
  kReplace,  // keep the newest copy: replace file and rows atomically (default)
  kKeep,     // keep the first copy; report success and discard the new one
  kReject,   // refuse the new copy (DIMSE 0111 Duplicate SOP Instance)
};

}  // namespace pixeldex::ingest

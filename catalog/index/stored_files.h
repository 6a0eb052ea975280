#pragma once
// Where the stored files of a WADO-RS resource are (PS3.18 10.4.1): for each
// instance of a study, a series of it, or one instance of that series, what
// the index records of its file (path as recorded, size, transfer syntax) and
// of its frames, in series and instance order. No file is touched. Not
// thread-safe (one Db per thread).

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/index/instance_scope.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

struct StoredFile {
  std::string series_uid;
  std::string sop_instance_uid;
  std::string sop_class_uid;
  std::string transfer_syntax_uid;
  std::string path;  // as recorded: relative to the storage root, or absolute
  uint64_t size_bytes = 0;
  int number_of_frames = 0;  // 0 when the instance has no Number of Frames
};

Result<std::vector<StoredFile>> ListStoredFiles(Db& db, const InstanceScope& scope);

}  // namespace pixeldex::index

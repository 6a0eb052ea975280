#pragma once
// PseudonymMapping: the table from original to pseudonymous values of a
// de-identified export (Patient ID, Study, Series and SOP Instance UIDs), for
// authorised re-identification. It is written only to a file the user names
// (--mapping), never into the export folder (the caller checks that), with
// mode 0600, as CSV "kind,original,pseudonym"; entries already in the file
// are kept, so exports on different days accumulate one table. Not
// thread-safe.

#include <map>
#include <string>
#include <utility>

#include "catalog/common/status.h"

namespace pixeldex::deidentify {

class PseudonymMapping {
 public:
  // `kind` is e.g. "PatientID" or "StudyInstanceUID".
  void Add(const std::string& kind, const std::string& original, const std::string& pseudonym);
  // Merges with the entries of `path` (if it exists) and replaces it
  // atomically (temp file, fsync, rename), mode 0600. Errors: kIoError.
  Status WriteTo(const std::string& path) const;

 private:
  std::map<std::pair<std::string, std::string>, std::string> entries_;
};

}  // namespace pixeldex::deidentify

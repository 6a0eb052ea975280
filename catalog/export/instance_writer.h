#pragma once
// InstanceWriter: how the Exporter turns one selected, stored instance into
// an exported file: its names (which place it, export_path.h), its manifest
// row, and its content. CopyingWriter copies the stored bytes unchanged; the
// de-identifying writer (catalog/deidentify) rewrites the data set. Called
// from one thread.

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/export/export_path.h"
#include "catalog/export/export_selection.h"
#include "catalog/index/sql_query.h"

namespace pixeldex::exporting {

class InstanceWriter {
 public:
  virtual ~InstanceWriter() = default;
  virtual InstanceNames NamesOf(const SelectedInstance& instance) = 0;
  // The manifest columns (the Exporter appends "file") and one row's values.
  virtual std::vector<std::string> ManifestColumns() const = 0;
  virtual std::vector<index::SqlValue> ManifestValues(const SelectedInstance& instance) = 0;
  // Why the instance stored at `source` must be left out, or "" to export it.
  virtual Result<std::string> ExclusionReason(const SelectedInstance& instance,
                                              const std::string& source) = 0;
  // Writes the instance stored at `source` to the new file `path`.
  virtual Status Write(const SelectedInstance& instance, const std::string& source,
                       const std::string& path) = 0;
};

// Copies the stored file byte for byte; the manifest lists every selected
// index column except the stored path.
class CopyingWriter : public InstanceWriter {
 public:
  InstanceNames NamesOf(const SelectedInstance& instance) override;
  std::vector<std::string> ManifestColumns() const override;
  std::vector<index::SqlValue> ManifestValues(const SelectedInstance& instance) override;
  Result<std::string> ExclusionReason(const SelectedInstance&, const std::string&) override {
    return std::string();
  }
  Status Write(const SelectedInstance& instance, const std::string& source,
               const std::string& path) override;
};

}  // namespace pixeldex::exporting

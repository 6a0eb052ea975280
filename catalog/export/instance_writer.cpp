#include "catalog/export/instance_writer.h"

#include "catalog/import/file_copy.h"

namespace pixeldex::exporting {
namespace {

constexpr const char* kStoredPathColumn = "path";

}  // namespace

InstanceNames CopyingWriter::NamesOf(const SelectedInstance& instance) {
  return {instance.Text("patient_id"), instance.Text("study_instance_uid"),
          instance.Text("series_instance_uid"), instance.Text("sop_instance_uid")};
}

std::vector<std::string> CopyingWriter::ManifestColumns() const {
  std::vector<std::string> columns;
  for (const std::string& c : SelectedColumns()) {
    if (c != kStoredPathColumn) columns.push_back(c);
  }
  return columns;
}

std::vector<index::SqlValue> CopyingWriter::ManifestValues(const SelectedInstance& instance) {
  std::vector<index::SqlValue> values;
  const auto& columns = SelectedColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] != kStoredPathColumn) values.push_back(instance.values[i]);
  }
  return values;
}

Status CopyingWriter::Write(const SelectedInstance&, const std::string& source,
                            const std::string& path) {
  return import::CopyFileContents(source, path);
}

}  // namespace pixeldex::exporting

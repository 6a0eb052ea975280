#pragma once
// Exporter: writes the selected instances below an output folder (one file
// each, placed by export_file.h so an interrupted export resumes), then the
// manifest of what is there: manifest.csv and manifest.jsonl, one row per
// exported instance with the writer's manifest columns plus "file" (the
// '/'-separated path below the folder), for a data loader. A file that fails
// is listed and the export goes on. Called from one thread.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "catalog/common/status.h"
#include "catalog/export/export_path.h"
#include "catalog/export/export_selection.h"
#include "catalog/export/instance_writer.h"
#include "catalog/storage/file_system.h"

namespace pixeldex::exporting {

inline constexpr const char* kManifestCsv = "manifest.csv";
inline constexpr const char* kManifestJsonl = "manifest.jsonl";

struct ExportReport {
  int64_t written = 0;
  int64_t already_complete = 0;  // found complete from an earlier run
  std::vector<std::string> excluded;  // "<SOP Instance UID>: <reason>"
  std::vector<std::string> failed;    // "<SOP Instance UID>: <error>"
};

class Exporter {
 public:
  // `source_of` maps an instance to its stored file.
  Exporter(std::filesystem::path out, ExportLayout layout, InstanceWriter& writer,
           std::function<std::string(const SelectedInstance&)> source_of,
           storage::FileSystem& file_system = storage::RealFileSystem());

  // Exports every instance, then writes the manifest. A manifest that cannot
  // be written is reported in `failed`.
  ExportReport Run(const std::vector<SelectedInstance>& instances);

 private:
  Status WriteManifest(const std::vector<std::vector<index::SqlValue>>& rows) const;

  std::filesystem::path out_;
  ExportLayout layout_;
  InstanceWriter& writer_;
  std::function<std::string(const SelectedInstance&)> source_of_;
  storage::FileSystem& file_system_;
};

}  // namespace pixeldex::exporting

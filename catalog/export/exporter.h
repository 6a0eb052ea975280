#pragma once
// Exporter: writes the selected instances to a destination (a folder, a zip
// archive or a remote AE: export_destination.h), one file each, named by the
// layout, then the manifest of what is there: manifest.csv and
// manifest.jsonl, one row per exported instance with the writer's manifest
// columns plus "file" (the '/'-separated path below the folder), for a data
// loader. A file that fails is listed and the export goes on; so is an
// instance whose name another instance of the export already took (a hash
// collision of the fileset layout), rather than skipped as complete. With
// rendering options, each exported instance also gets a rendering beside it
// (export_rendering.h), made from the file just written (so from the
// de-identified data set when the writer de-identifies; from the stored file
// when the instance was complete from an earlier run: the pixels are the
// same), and the manifest a "rendering_path" column after "file", NULL (an
// empty CSV field, JSON null) when the instance could not be rendered (counted by reason, not a
// failure). Called from one thread.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/status.h"
#include "catalog/export/export_destination.h"
#include "catalog/export/export_path.h"
#include "catalog/export/export_rendering.h"
#include "catalog/export/export_selection.h"
#include "catalog/export/instance_writer.h"

namespace pixeldex::exporting {

inline constexpr const char* kManifestCsv = "manifest.csv";
inline constexpr const char* kManifestJsonl = "manifest.jsonl";

struct ExportReport {
  int64_t written = 0;
  int64_t already_complete = 0;  // found complete from an earlier run
  std::vector<std::string> excluded;  // "<SOP Instance UID>: <reason>"
  std::vector<std::string> failed;    // "<SOP Instance UID>: <error>"
  // The relative path of every instance in the export (written now or
  // before), in the order of the selection.
  std::vector<std::string> files;
  int64_t rendered = 0;                         // renderings placed (or complete before)
  std::map<std::string, int64_t> not_rendered;  // reason -> instances without one
};

// How far an export is, read by a progress line on another thread.
struct ExportProgress {
  std::atomic<int64_t> done{0};    // instances handled (written, complete, excluded or failed)
  std::atomic<int64_t> failed{0};
};

// "12/300 instances  4 failed".
std::string FormatExportProgress(const ExportProgress& progress, size_t total);

class Exporter {
 public:
  // `source_of` maps an instance to its stored file; `rendering`, when set,
  // asks for a rendering beside each instance.
  Exporter(ExportDestination& destination, ExportLayout layout, InstanceWriter& writer,
           std::function<std::string(const SelectedInstance&)> source_of,
           std::optional<RenderingOptions> rendering = std::nullopt);

  // Exports every instance, then writes the manifest (when the destination
  // takes one) and finishes the destination. A manifest or a finish that
  // fails is reported in `failed`.
  // `progress`, when given, is updated as each instance is handled.
  ExportReport Run(const std::vector<SelectedInstance>& instances,
                   ExportProgress* progress = nullptr);

 private:
  Status WriteManifest(const std::vector<std::vector<index::SqlValue>>& rows) const;
  // Places the rendering of the instance at `relative` (`image` when it was
  // rendered from the file just written) and returns its path, or "" when
  // there is none (counted, or listed as failed when placing it failed).
  std::string PlaceRendering(const SelectedInstance& instance, const std::string& relative,
                             std::optional<Result<std::string>> image, ExportReport& report);

  ExportDestination& destination_;
  ExportLayout layout_;
  InstanceWriter& writer_;
  std::function<std::string(const SelectedInstance&)> source_of_;
  std::optional<RenderingOptions> rendering_;
};

}  // namespace pixeldex::exporting

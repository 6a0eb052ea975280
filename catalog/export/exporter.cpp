#include "catalog/export/exporter.h"

#include <fstream>
#include <memory>

#include "catalog/export/export_file.h"
#include "catalog/index/result_formatter.h"

namespace pixeldex::exporting {
namespace {

index::SqlValue TextValue(std::string text) {
  index::SqlValue value;
  value.type = index::SqlValue::Type::kText;
  value.bytes = std::move(text);
  return value;
}

}  // namespace

Exporter::Exporter(std::filesystem::path out, ExportLayout layout, InstanceWriter& writer,
                   std::function<std::string(const SelectedInstance&)> source_of,
                   storage::FileSystem& file_system)
    : out_(std::move(out)),
      layout_(layout),
      writer_(writer),
      source_of_(std::move(source_of)),
      file_system_(file_system) {}

ExportReport Exporter::Run(const std::vector<SelectedInstance>& instances) {
  ExportReport report;
  std::vector<std::vector<index::SqlValue>> manifest;
  for (const SelectedInstance& instance : instances) {
    const std::string uid = instance.Text("sop_instance_uid");
    const std::string relative = ExportRelativePath(layout_, writer_.NamesOf(instance));
    if (IsExportComplete(out_, relative)) {
      ++report.already_complete;
    } else {
      const std::string source = source_of_(instance);
      auto reason = writer_.ExclusionReason(instance, source);
      if (reason.ok() && !reason->empty()) {
        report.excluded.push_back(uid + ": " + *reason);
        continue;
      }
      const Status status =
          reason.ok() ? PlaceExportFile(file_system_, out_, relative,
                                        [&](const std::string& path) {
                                          return writer_.Write(instance, source, path);
                                        })
                      : reason.status();
      if (!status.ok()) {
        report.failed.push_back(uid + ": " + status.message());
        continue;
      }
      ++report.written;
    }
    std::vector<index::SqlValue> row = writer_.ManifestValues(instance);
    row.push_back(TextValue(relative));
    manifest.push_back(std::move(row));
  }
  const Status status = WriteManifest(manifest);
  if (!status.ok()) report.failed.push_back("manifest: " + status.message());
  return report;
}

Status Exporter::WriteManifest(const std::vector<std::vector<index::SqlValue>>& rows) const {
  std::vector<std::string> columns = writer_.ManifestColumns();
  columns.push_back("file");
  for (const auto& [name, format] : {std::pair{kManifestCsv, index::OutputFormat::kCsv},
                                     std::pair{kManifestJsonl, index::OutputFormat::kJsonl}}) {
    PIXELDEX_RETURN_IF_ERROR(PlaceExportFile(file_system_, out_, name, [&](const std::string& path) {
      std::ofstream stream(path, std::ios::binary | std::ios::trunc);
      if (!stream) return Status::IoError("cannot create " + path);
      std::unique_ptr<index::RowSink> sink = index::MakeResultFormatter(format, stream);
      PIXELDEX_RETURN_IF_ERROR(sink->Begin(columns));
      for (const auto& row : rows) PIXELDEX_RETURN_IF_ERROR(sink->Row(row));
      PIXELDEX_RETURN_IF_ERROR(sink->End(static_cast<int64_t>(rows.size())));
      stream.close();
      return stream.fail() ? Status::IoError("cannot write " + path) : Status::Ok();
    }));
  }
  return Status::Ok();
}

}  // namespace pixeldex::exporting

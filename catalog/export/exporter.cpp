#include "catalog/export/exporter.h"

#include <fstream>
#include <map>
#include <memory>

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

Exporter::Exporter(ExportDestination& destination, ExportLayout layout, InstanceWriter& writer,
                   std::function<std::string(const SelectedInstance&)> source_of,
                   std::optional<RenderingOptions> rendering)
    : destination_(destination),
      layout_(layout),
      writer_(writer),
      source_of_(std::move(source_of)),
      rendering_(rendering) {}

std::string FormatExportProgress(const ExportProgress& progress, size_t total) {
  const int64_t failed = progress.failed.load();
  return std::to_string(progress.done.load()) + "/" + std::to_string(total) + " instances" +
         (failed > 0 ? "  " + std::to_string(failed) + " failed" : "");
}

ExportReport Exporter::Run(const std::vector<SelectedInstance>& instances,
                           ExportProgress* progress) {
  ExportReport report;
  ExportProgress unobserved;
  ExportProgress& counts = progress != nullptr ? *progress : unobserved;
  std::vector<std::vector<index::SqlValue>> manifest;
  std::map<std::string, std::string> owner_of_name;  // relative path -> SOP Instance UID
  for (const SelectedInstance& instance : instances) {
    // Those handled before this one.
    counts.done = static_cast<int64_t>(&instance - instances.data());
    counts.failed = static_cast<int64_t>(report.failed.size());
    const std::string uid = instance.Text("sop_instance_uid");
    const std::string relative = ExportRelativePath(layout_, writer_.NamesOf(instance));
    const auto [owner, fresh] = owner_of_name.emplace(relative, uid);
    if (!fresh) {
      report.failed.push_back(uid + ": its name " + relative + " is taken by " + owner->second);
      continue;
    }
    std::optional<Result<std::string>> image;  // rendered from the file just written
    if (destination_.IsComplete(relative)) {
      ++report.already_complete;
    } else {
      const std::string source = source_of_(instance);
      auto reason = writer_.ExclusionReason(instance, source);
      if (reason.ok() && !reason->empty()) {
        report.excluded.push_back(uid + ": " + *reason);
        continue;
      }
      const Status status =
          reason.ok() ? destination_.Place(
                            relative,
                            [&](const std::string& path) {
                              PIXELDEX_RETURN_IF_ERROR(writer_.Write(instance, source, path));
                              if (rendering_) {
                                image = RenderInstanceFile(path, *rendering_);
                              }
                              return Status::Ok();
                            })
                      : reason.status();
      if (!status.ok()) {
        report.failed.push_back(uid + ": " + status.message());
        continue;
      }
      ++report.written;
    }
    report.files.push_back(relative);
    std::vector<index::SqlValue> row = writer_.ManifestValues(instance);
    row.push_back(TextValue(relative));
    if (rendering_) {  // NULL (an empty CSV field, JSON null) when there is none
      const std::string rendering = PlaceRendering(instance, relative, std::move(image), report);
      row.push_back(rendering.empty() ? index::SqlValue{} : TextValue(rendering));
    }
    manifest.push_back(std::move(row));
  }
  counts.done = static_cast<int64_t>(instances.size());
  counts.failed = static_cast<int64_t>(report.failed.size());
  if (destination_.TakesManifest()) {
    const Status status = WriteManifest(manifest);
    if (!status.ok()) report.failed.push_back("manifest: " + status.message());
  }
  const Status finished = destination_.Finish();
  if (!finished.ok()) report.failed.push_back("finishing: " + finished.message());
  return report;
}

std::string Exporter::PlaceRendering(const SelectedInstance& instance, const std::string& relative,
                                     std::optional<Result<std::string>> image,
                                     ExportReport& report) {
  const std::string path = RenderingPath(relative, rendering_->format);
  if (destination_.IsComplete(path)) {
    ++report.rendered;
    return path;
  }
  if (!image) image = RenderInstanceFile(source_of_(instance), *rendering_);
  if (!image->ok()) {
    ++report.not_rendered[NotRenderedReason(image->status())];
    return "";
  }
  const Status placed = destination_.Place(path, [&](const std::string& file) {
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write((*image)->data(), static_cast<std::streamsize>((*image)->size()));
    stream.close();
    return stream.fail() ? Status::IoError("cannot write " + file) : Status::Ok();
  });
  if (!placed.ok()) {
    report.failed.push_back(instance.Text("sop_instance_uid") + ": rendering: " + placed.message());
    return "";
  }
  ++report.rendered;
  return path;
}

Status Exporter::WriteManifest(const std::vector<std::vector<index::SqlValue>>& rows) const {
  std::vector<std::string> columns = writer_.ManifestColumns();
  columns.push_back("file");
  if (rendering_) columns.push_back("rendering_path");
  for (const auto& [name, format] : {std::pair{kManifestCsv, index::OutputFormat::kCsv},
                                     std::pair{kManifestJsonl, index::OutputFormat::kJsonl}}) {
    PIXELDEX_RETURN_IF_ERROR(destination_.Place(name, [&](const std::string& path) {
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

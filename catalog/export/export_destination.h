#pragma once
// Where an export goes (the Exporter hands each file and the manifest to
// one): a folder (FolderDestination: files placed durably and atomically by
// export_file.h, so an interrupted export resumes), a zip archive
// (zip_destination.h) or a remote AE (server/commands/store_destination.h).
// Called from one thread.

#include <filesystem>
#include <string>

#include "catalog/common/status.h"
#include "catalog/export/export_file.h"
#include "catalog/storage/file_system.h"

namespace pixeldex::exporting {

class ExportDestination {
 public:
  virtual ~ExportDestination() = default;
  // True when `relative` is there, complete, from an earlier run (skipped).
  virtual bool IsComplete(const std::string& relative) = 0;
  // Adds the file `relative` ('/'-separated) whose content `write` writes
  // to a new file at the path it is given.
  virtual Status Place(const std::string& relative, const ContentWriter& write) = 0;
  // Whether the manifest goes there too (a remote AE takes DICOM instances only).
  virtual bool TakesManifest() const { return true; }
  // After the last Place: completes the destination (e.g. a zip's directory).
  virtual Status Finish() { return Status::Ok(); }
};

class FolderDestination : public ExportDestination {
 public:
  explicit FolderDestination(std::filesystem::path out,
                             storage::FileSystem& file_system = storage::RealFileSystem())
      : out_(std::move(out)), file_system_(file_system) {}
  bool IsComplete(const std::string& relative) override {
    return IsExportComplete(out_, relative);
  }
  Status Place(const std::string& relative, const ContentWriter& write) override {
    return PlaceExportFile(file_system_, out_, relative, write);
  }

 private:
  std::filesystem::path out_;
  storage::FileSystem& file_system_;
};

}  // namespace pixeldex::exporting

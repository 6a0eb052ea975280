#pragma once
// ZipDestination: an export written as one zip archive (`pixeldex export
// --zip FILE`) with the entries a folder export would hold (the same names
// and manifest). The archive is streamed (zip_stream.h) into "FILE.partial"
// as the export goes, so neither the export nor the archive is ever held
// whole, in memory or on disk: each entry's content is written to one
// temporary file beside the archive, read once for its size and CRC-32,
// then copied in and removed. Finish fsyncs the archive, renames it to FILE
// and fsyncs the folder: FILE, when it exists, is complete. An interrupted
// zip export is not resumed (run it again; the .partial is replaced).
// Called from one thread.

#include <filesystem>
#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "catalog/export/export_destination.h"
#include "catalog/export/zip_stream.h"

namespace pixeldex::exporting {

class ZipDestination : public ExportDestination {
 public:
  // Creates "`file`.partial" (replacing one an earlier run left).
  // `zip64_from`: as ZipStream's (tests lower it).
  static Result<std::unique_ptr<ZipDestination>> Create(const std::filesystem::path& file,
                                                        uint64_t zip64_from = 0xFFFFFFFF);
  ~ZipDestination() override;

  bool IsComplete(const std::string&) override { return false; }
  Status Place(const std::string& relative, const ContentWriter& write) override;
  Status Finish() override;

 private:
  ZipDestination(std::filesystem::path file, int fd, uint64_t zip64_from);
  Status WriteAll(std::string_view bytes);
  // Adds the content of `path` as entry `name` (read twice: CRC-32, then bytes).
  Status AddFile(const std::string& name, const std::filesystem::path& path);

  std::filesystem::path file_;
  std::filesystem::path partial_;
  std::filesystem::path entry_;  // the one temporary entry file
  int fd_;
  ZipStream stream_;
};

}  // namespace pixeldex::exporting

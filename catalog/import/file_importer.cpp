#include "catalog/import/file_importer.h"

#include <sys/stat.h>

#include <filesystem>

#include "catalog/common/clock.h"
#include "catalog/common/exception_boundary.h"
#include "catalog/common/log.h"
#include "catalog/import/dicom_sniffer.h"
#include "catalog/import/file_copy.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/storage/sha256.h"
#include "catalog/storage/incoming_file.h"

namespace pixeldex::import {
namespace {

FileResult FromDisposition(ingest::Disposition disposition) {
  switch (disposition) {
    case ingest::Disposition::kStored:
      return FileResult::kImported;
    case ingest::Disposition::kReplaced:
      return FileResult::kReplaced;
    case ingest::Disposition::kKeptExisting:
      return FileResult::kDuplicateKept;
    case ingest::Disposition::kRecataloged:
      return FileResult::kRebuilt;
  }
  return FileResult::kImported;
}

ingest::IngestRequest RequestFor(std::string path, bool in_place, ProvenanceSource source) {
  ingest::IngestRequest request;
  request.incoming_path = std::move(path);
  request.in_place = in_place;
  request.provenance.source = source;
  return request;
}

}  // namespace

void FileImporter::Import(const WalkedFile& file) {
  Result<FileResult> result = FileResult::kNotDicom;
  std::string what;
  // The import worker's catch boundary: a file whose import throws fails
  // alone, counted and recorded like any other failure.
  const Status unexpected = CatchUnexpected("import", [&] {
    if (context_.before_file) context_.before_file(file.path);
    if (auto kind = ClassifyDicomFile(file.path, &what); !kind.ok()) {
      result = kind.status();
    } else if (*kind == DicomKind::kNotInstance) {
      LogInfo("import {}: not an instance: {}", file.path, what);
      result = FileResult::kNotInstance;
    } else if (*kind != DicomKind::kNotDicom) {
      result = context_.in_place ? InPlace(file.path) : Copied(file.path);
    }
  });
  if (!unexpected.ok()) result = unexpected;
  if (result.ok()) {
    context_.tally.Record(*result, file.size_bytes);
    return;
  }
  LogDebug("import {}: {}", file.path, result.status().ToString());
  context_.tally.RecordFailure(file.path, result.status().ToString(), file.size_bytes);
  EventRecord event;
  event.kind = EventKind::kImportFailed;
  event.detail = file.path + ": " + result.status().ToString();
  context_.pipeline.RecordEvent(std::move(event));
}

Result<FileResult> FileImporter::InPlace(const std::string& path) {
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  struct stat st {};
  if (::stat(absolute.c_str(), &st) != 0) return Status::FromErrno(errno, "cannot stat " + path);
  // The same form of the path the pipeline records.
  const std::string recorded = context_.store.layout().RecordedPath(absolute);
  auto row = lookup_.RecordedAt(recorded);
  if (!row.ok()) return row.status();
  ingest::IngestRequest request = RequestFor(absolute, /*in_place=*/true, context_.source);
  if (row->has_value()) {
    const RecordedFile& recorded_file = **row;
    const bool same_stat = recorded_file.size_bytes == st.st_size &&
                           recorded_file.file_mtime == ToIso8601(st.st_mtim);
    const bool skip_if_intact = same_stat && !context_.recatalog_unchanged;
    // A clean start hashes nothing: only files whose size or time changed,
    // files to catalog again, and files reported corrupt before.
    if (skip_if_intact && !lookup_.CorruptionReported(recorded_file.sop_instance_uid)) {
      return FileResult::kUnchanged;
    }
    auto sha256 = storage::Sha256OfFile(absolute);
    if (!sha256.ok()) return sha256.status();
    if (*sha256 != recorded_file.sha256 && !context_.accept_changed) {
      ReportCorrupt(recorded_file, recorded, *sha256);
      return FileResult::kCorrupt;
    }
    if (skip_if_intact && *sha256 == recorded_file.sha256) return FileResult::kUnchanged;
    request.sha256 = std::move(sha256).value();
  }
  return Ingest(request, path);
}

void FileImporter::ReportCorrupt(const RecordedFile& row, const std::string& recorded_path,
                                 const std::string& sha256) {
  const std::string detail = recorded_path + ": recorded sha256 " + row.sha256 + ", file sha256 " +
                             sha256;
  LogWarning("sop={}: the stored file {} no longer matches its recorded SHA-256 ({}); left as "
             "it is, not cataloged again",
             row.sop_instance_uid, recorded_path, detail.substr(recorded_path.size() + 2));
  if (lookup_.CorruptionReported(row.sop_instance_uid, detail)) return;
  EventRecord event;
  event.kind = EventKind::kFileCorrupt;
  event.sop_instance_uid = row.sop_instance_uid;
  event.detail = detail;
  context_.pipeline.RecordEvent(std::move(event));
}

Result<FileResult> FileImporter::Copied(const std::string& path) {
  // Before the source is hashed and copied: a huge sparse file (a few header
  // bytes, then a hole of zeros) would be read whole and written densely
  // into .incoming, only for ingest to refuse the copy.
  PIXELDEX_RETURN_IF_ERROR(metadata::CheckStoredDataSet(path));
  // A file of up to kHeldFileBytes is read once: hashed, then written from
  // memory, so its hash is that of the very bytes stored, and the pipeline
  // checks, parses and renders those bytes instead of reading the copy
  // back. A larger one is hashed, copied, and its copy read and hashed by
  // the pipeline.
  auto held = ReadFileUpTo(path, kHeldFileBytes, held_.bytes);
  if (!held.ok()) return held.status();
  const std::string_view bytes(held_.bytes.data(), *held ? held_.bytes.size() : 0);
  auto sha256 =
      *held ? Result<std::string>(storage::Sha256Hex(bytes)) : storage::Sha256OfFile(path);
  if (!sha256.ok()) return sha256.status();
  if (context_.known_contents.Contains(*sha256)) return FileResult::kUnchanged;
  storage::IncomingFile incoming = storage::NewIncomingFile(context_.store);  // removed if the copy fails
  PIXELDEX_RETURN_IF_ERROR(*held ? WriteFileContents(incoming.path(), bytes)
                                 : CopyFileContents(path, incoming.path()));
  // From here the pipeline owns (and on failure removes) the incoming copy.
  ingest::IngestRequest request =
      RequestFor(std::move(incoming).Release(), /*in_place=*/false, context_.source);
  if (*held) request.sha256 = *sha256;
  auto result = Ingest(request, path, *held ? &held_ : nullptr);
  if (result.ok() && *result != FileResult::kDuplicateKept) {
    context_.known_contents.Insert(*sha256);
  }
  return result;
}

Result<FileResult> FileImporter::Ingest(const ingest::IngestRequest& request,
                                        const std::string& source_path,
                                        ingest::ReceivedCopy* held) {
  auto outcome = context_.pipeline.Ingest(request, held);
  if (!outcome.ok()) return outcome.status();
  if (!outcome->warning.empty()) LogDebug("import {}: {}", source_path, outcome->warning);
  return FromDisposition(outcome->disposition);
}

}  // namespace pixeldex::import

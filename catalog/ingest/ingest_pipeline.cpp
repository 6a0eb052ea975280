#include "catalog/ingest/ingest_pipeline.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "catalog/common/clock.h"
#include "catalog/common/log.h"
#include "catalog/metadata/metadata_extractor.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/storage/sha256.h"

namespace pixeldex::ingest {
namespace {

// Values longer than this stay on disk until something reads them, so that
// parsing the header of a 500 MB multi-frame object costs no pixel I/O.
constexpr Uint32 kLazyLoadThreshold = 4096;

// Removes the incoming file on every path out of Ingest() unless released.
class IncomingFileGuard {
 public:
  IncomingFileGuard(storage::FileStore& store, std::string path)
      : store_(store), path_(std::move(path)) {}
  ~IncomingFileGuard() {
    if (!path_.empty()) store_.Discard(path_);
  }
  void Release() { path_.clear(); }

 private:
  storage::FileStore& store_;
  std::string path_;
};

// PS3.4 B.2.3 / C.4.1.2: the identity of a composite instance.
Status ValidateIdentity(const metadata::ExtractedMetadata& m, const IngestRequest& request) {
  if (m.instance.sop_class_uid.empty()) return Status::InvalidArgument("missing SOP Class UID");
  if (m.instance.sop_instance_uid.empty()) {
    return Status::InvalidArgument("missing SOP Instance UID");
  }
  if (m.study.study_instance_uid.empty()) {
    return Status::InvalidArgument("missing Study Instance UID");
  }
  if (m.series.series_instance_uid.empty()) {
    return Status::InvalidArgument("missing Series Instance UID");
  }
  if (!request.expected_sop_class_uid.empty() &&
      request.expected_sop_class_uid != m.instance.sop_class_uid) {
    return Status::InvalidArgument("SOP Class UID " + m.instance.sop_class_uid +
                                   " in the data set differs from " +
                                   request.expected_sop_class_uid + " in the request");
  }
  if (!request.expected_sop_instance_uid.empty() &&
      request.expected_sop_instance_uid != m.instance.sop_instance_uid) {
    return Status::InvalidArgument("SOP Instance UID " + m.instance.sop_instance_uid +
                                   " in the data set differs from " +
                                   request.expected_sop_instance_uid + " in the request");
  }
  return Status::Ok();
}

Result<FileFacts> ComputeFileFacts(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "cannot stat " + path);
  auto hash = storage::Sha256OfFile(path);
  if (!hash.ok()) return hash.status();
  FileFacts facts;
  facts.size_bytes = st.st_size;
  facts.sha256 = std::move(hash).value();
  facts.file_mtime = ToIso8601(st.st_mtim);
  facts.received_at = NowIso8601();
  return facts;
}

}  // namespace

IngestPipeline::IngestPipeline(storage::FileStore& store, index::IndexWriter& writer,
                               IngestOptions options)
    : store_(store), writer_(writer), options_(std::move(options)) {}

void IngestPipeline::RecordEvent(EventRecord event) {
  const std::string kind = event.kind;
  Status s = writer_.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record {} event: {}", kind, s.ToString());
}

void IngestPipeline::RecordEvent(const std::string& kind, const IngestOutcome& outcome,
                                 const IngestRequest& request, const std::string& detail) {
  EventRecord event;
  event.kind = kind;
  event.sop_instance_uid = outcome.sop_instance_uid;
  event.calling_aet = request.provenance.calling_aet;
  event.detail = detail;
  RecordEvent(std::move(event));
}

std::mutex& IngestPipeline::StripeFor(const std::string& sop_instance_uid) {
  return stripes_[std::hash<std::string>{}(sop_instance_uid) % stripes_.size()];
}

Result<IngestOutcome> IngestPipeline::Ingest(const IngestRequest& request) {
  IncomingFileGuard guard(store_, request.in_place ? std::string() : request.incoming_path);

  // 1. validate (nesting first: DCMTK's parser recurses per level)
  PIXELDEX_RETURN_IF_ERROR(metadata::CheckSequenceDepth(request.incoming_path));
  DcmFileFormat file;
  const OFCondition loaded = file.loadFile(request.incoming_path.c_str(), EXS_Unknown,
                                           EGL_noChange, kLazyLoadThreshold, ERM_autoDetect);
  if (loaded.bad()) {
    return Status::Corruption(std::string("cannot parse data set: ") + loaded.text());
  }
  // 2. extract
  auto extracted = metadata::ExtractMetadata(file);
  if (!extracted.ok()) return extracted.status();
  metadata::ExtractedMetadata& m = *extracted;
  PIXELDEX_RETURN_IF_ERROR(ValidateIdentity(m, request));

  InstanceRecord record;
  record.patient = std::move(m.patient);
  record.study = std::move(m.study);
  record.series = std::move(m.series);
  record.instance = std::move(m.instance);
  record.header_json = std::move(m.header_json);
  record.provenance = request.provenance;
  auto facts = ComputeFileFacts(request.incoming_path);
  if (!facts.ok()) return facts.status();
  record.file = std::move(facts).value();
  record.file.relative_path =
      request.in_place
          ? std::filesystem::absolute(request.incoming_path).lexically_normal().string()
          : store_.layout().RelativePathFor(record.study.study_instance_uid,
                                            record.series.series_instance_uid,
                                            record.instance.sop_instance_uid);

  // 3. thumbnail: rendered while the file is still private to us
  if (options_.thumbnails) {
    DcmDataset& ds = *file.getDataset();
    record.thumbnail = thumbnail::RenderThumbnail(ds, ds.getOriginalXfer(), options_.thumbnail);
  } else {
    record.thumbnail = ThumbnailRecord{"disabled", 0, 0, {}};
  }

  IngestOutcome outcome;
  outcome.sop_class_uid = record.instance.sop_class_uid;
  outcome.sop_instance_uid = record.instance.sop_instance_uid;
  outcome.relative_path = record.file.relative_path;
  outcome.size_bytes = record.file.size_bytes;
  outcome.thumbnail_status = record.thumbnail->status;
  outcome.warning = m.warning;

  std::lock_guard stripe(StripeFor(record.instance.sop_instance_uid));
  if (options_.duplicates != DuplicatePolicy::kReplace) {
    auto existing = writer_.FindPath(record.instance.sop_instance_uid);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      if (options_.duplicates == DuplicatePolicy::kReject) {
        return Status::AlreadyExists("SOP Instance UID " + record.instance.sop_instance_uid +
                                     " is already stored");
      }
      outcome.disposition = Disposition::kKeptExisting;
      outcome.relative_path = **existing;
      RecordEvent("duplicate_kept", outcome, request, "new copy discarded (duplicates = keep)");
      return outcome;
    }
  }

  // 4. store (files cataloged in place stay where they are)
  bool overwrote_file = true;
  if (!request.in_place) {
    std::error_code ec;
    overwrote_file =
        std::filesystem::exists(store_.layout().Absolute(record.file.relative_path), ec);
    PIXELDEX_RETURN_IF_ERROR(store_.Commit(request.incoming_path, record.file.relative_path));
    guard.Release();
  }

  // 5. index
  auto written = writer_.Write(std::move(record));
  if (!written.ok()) {
    // Rows failed: take back the file we made visible, unless it replaced an
    // older copy whose rows still point at this path.
    if (!overwrote_file) store_.Remove(outcome.relative_path);
    return written.status();
  }
  if (outcome.thumbnail_status.rfind("decode_error", 0) == 0) {
    RecordEvent("thumbnail_failed", outcome, request, outcome.thumbnail_status);
  }
  if (written->replaced) {
    outcome.disposition = Disposition::kReplaced;
    RecordEvent("duplicate_replaced", outcome, request, "previous copy: " + written->replaced_path);
    // Only files inside the layout are ours to remove; in-place paths are absolute.
    const bool old_is_ours = !std::filesystem::path(written->replaced_path).is_absolute();
    if (old_is_ours && written->replaced_path != outcome.relative_path) {
      store_.Remove(written->replaced_path);
    }
  }
  return outcome;
}

}  // namespace pixeldex::ingest

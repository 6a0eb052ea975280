#include "server/dicomweb/stow_receiver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "catalog/import/dicom_sniffer.h"
#include "server/association/counted_ingest.h"
#include "server/dicomweb/media_type.h"
#include "server/dimse/dimse_status.h"
#include "server/dimse/store_service.h"

namespace pixeldex::server {
namespace {

// PS3.18 Table I.2-2 (PS3.4 B.2.3).
constexpr uint16_t kCannotUnderstand = 0xC000;
constexpr uint16_t kOutOfResources = 0xA700;

StowPartResult Failure(uint16_t status, std::string reason) {
  StowPartResult result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

// Stores a received file through the ingest pipeline.
StowPartResult Ingest(const ServerContext& server, ingest::IngestRequest request,
                      StowPartResult result) {
  auto outcome = CountedIngest(server, request);
  if (!outcome.ok()) {
    result.status = DimseStatusFor(DimseService::kStore, outcome.status());
    result.reason = outcome.status().message();
    return result;
  }
  result.sop_class_uid = outcome->sop_class_uid;
  result.sop_instance_uid = outcome->sop_instance_uid;
  result.study_instance_uid = outcome->study_instance_uid;
  result.series_instance_uid = outcome->series_instance_uid;
  return result;
}

}  // namespace

StowReceiver::~StowReceiver() {
  if (part_) CloseFile();  // the file goes with part_
  // The pool's futures do not wait when destroyed: the stores in flight
  // use server_ and their incoming files.
  for (Slot& slot : slots_) {
    if (slot.storing.valid()) slot.storing.wait();
  }
}

void StowReceiver::Fail(uint16_t status, std::string reason) {
  CloseFile();
  part_->file.reset();  // removes it
  if (!part_->failure) part_->failure = Failure(status, std::move(reason));
}

bool StowReceiver::CloseFile() {
  if (part_->fd < 0) return true;
  const int closed = ::close(part_->fd);
  part_->fd = -1;
  return closed == 0;
}

void StowReceiver::PartBegin(MultipartPartHead head) {
  part_.emplace();
  last_whole_ = false;
  if (!head.problem.empty()) {
    part_->failure = Failure(kCannotUnderstand, std::move(head.problem));
    return;
  }
  if (const std::string type = head.Header("content-type"); !type.empty()) {
    auto media = ParseMediaType(type);
    if (!media.ok() || media->type != kDicomMediaType) {
      part_->failure = Failure(kCannotUnderstand, "part is not application/dicom: " + type);
      return;
    }
  }
  if (auto shortfall = FreeSpaceShortfall(server_.store, server_.settings.storage.min_free_mb)) {
    part_->failure = Failure(kOutOfResources, *shortfall);
    return;
  }
  // Removed unless handed to the pipeline.
  part_->file.emplace(storage::NewIncomingFile(server_.store));
  const std::string& path = part_->file->path();
  part_->fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (part_->fd < 0) {
    const Status status = Status::FromErrno(errno, "cannot create " + path);
    Fail(DimseStatusFor(DimseService::kStore, status), status.message());
  }
}

void StowReceiver::PartData(std::string_view bytes) {
  if (!part_ || part_->failure) return;
  part_->head.Add(bytes);
  part_->hasher.Update(bytes.data(), bytes.size());
  part_->size += bytes.size();
  while (!bytes.empty()) {
    const ssize_t n = ::write(part_->fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Status status = Status::FromErrno(errno, "cannot write " + part_->file->path());
      Fail(DimseStatusFor(DimseService::kStore, status), status.message());
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void StowReceiver::PartEnd() {
  Receiving& part = *part_;
  last_whole_ = true;
  StowPartResult result;
  if (!part.failure) {
    // PS3.10 7.1: the File Meta Information names the instance, as a
    // C-STORE request does; the pipeline checks the data set against it.
    const std::string& head = part.head.head();
    result.sop_class_uid = import::FileMetaValue(head, import::kMediaStorageSopClassUid);
    result.sop_instance_uid = import::FileMetaValue(head, import::kMediaStorageSopInstanceUid);
    const auto kind = import::ClassifyDicomPrefix(
        std::string_view(head).substr(0, import::kSniffBytes), static_cast<int64_t>(part.size));
    if (kind != import::DicomKind::kPart10) {
      Fail(kCannotUnderstand, "part is not a DICOM PS3.10 instance");
    } else if (!CloseFile()) {
      const Status status = Status::FromErrno(errno, "cannot write " + part.file->path());
      Fail(DimseStatusFor(DimseService::kStore, status), status.message());
    }
  }
  if (part.failure) {
    part.failure->sop_class_uid = result.sop_class_uid;
    part.failure->sop_instance_uid = result.sop_instance_uid;
    slots_.push_back({std::move(part.failure), {}});
    part_.reset();
    return;
  }
  ingest::IngestRequest request;
  request.incoming_path = std::move(*part.file).Release();
  request.sha256 = part.hasher.HexDigest();
  request.expected_sop_class_uid = result.sop_class_uid;
  request.expected_sop_instance_uid = result.sop_instance_uid;
  request.expected_study_instance_uid = study_;
  request.provenance.source = ProvenanceSource::kDicomweb;
  part_.reset();
  if (running_ == kStowPartsInFlight) CollectOldest();
  slots_.push_back({std::nullopt,
                    workers_.Submit([&server = server_, request = std::move(request),
                                     result = std::move(result)]() mutable {
                      return Ingest(server, std::move(request), std::move(result));
                    })});
  ++running_;
}

void StowReceiver::PartTruncated(const std::string& reason) {
  Fail(kCannotUnderstand, reason);
  part_->failure->reason = reason;
  slots_.push_back({std::move(part_->failure), {}});
  part_.reset();
}

void StowReceiver::CollectOldest() {
  while (slots_[collected_].result) ++collected_;
  slots_[collected_].result = slots_[collected_].storing.get();
  --running_;
}

std::vector<StowPartResult> StowReceiver::Results(bool closed) {
  while (running_ > 0) CollectOldest();
  std::vector<StowPartResult> results;
  results.reserve(slots_.size() + 1);
  for (Slot& slot : slots_) results.push_back(std::move(*slot.result));
  if (!closed && last_whole_) {
    results.push_back(Failure(kCannotUnderstand,
                              "the body ends without its close delimiter: it may be truncated"));
  }
  return results;
}

}  // namespace pixeldex::server

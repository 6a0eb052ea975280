#include "catalog/ingest/ingest_pipeline.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <utility>

#include "catalog/common/clock.h"
#include "catalog/common/log.h"
#include "catalog/metadata/metadata_extractor.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/storage/incoming_file.h"
#include "catalog/storage/sha256.h"
#include "catalog/thumbnail/in_memory_input_stream.h"
#include "catalog/thumbnail/thumbnail_renderer.h"

namespace pixeldex::ingest {
namespace {

// Values longer than this stay on disk until something reads them, so that
// parsing the header of a 500 MB multi-frame object costs no pixel I/O. The
// Pixel Data of a small image (up to 181x181 at 16 bits) is read with the
// rest, in the one pass over the file: left on disk, it was read again for
// the thumbnail by opening the file once more (10 system calls of a 64x64
// instance's 130). Memory stays bounded by the file's size either way.
constexpr Uint32 kLazyLoadThreshold = 64 * 1024;

// A file no larger than that is opened once (open, fstat, read) and
// checked, parsed and hashed from memory, and fsynced through that
// descriptor: on the path from the file, the framing check, DCMTK's parse,
// the hash and the fsync opened it four times and stat'ed, sought and read
// it 27 system calls' worth (a 64x64 instance's 110; issue 20 part 2). Its
// hash is taken on this thread (microseconds with SHA-NI), so its file
// worker has one task, the fsync. A larger file whose bytes its receiver
// kept (ReceivedCopy) is taken from memory the same way, and hashed on its
// file worker beside the parse: not read back for the check, the parse, the
// hash and the thumbnail's frame (issue 20 part 2, bench/README.md).
constexpr off_t kReadWholeBelow = kLazyLoadThreshold;

// A file's status and bytes, read once or borrowed from its receiver's
// copy (ReceivedCopy, given back when the WholeFile goes, its capacity
// with it), and the descriptor it was opened through, open until then.
class WholeFile {
 public:
  explicit WholeFile(UniqueFd fd) : fd_(std::move(fd)) {}
  WholeFile(WholeFile&& other) noexcept
      : stat(other.stat),
        bytes(std::move(other.bytes)),
        fd_(std::move(other.fd_)),
        lender_(std::exchange(other.lender_, nullptr)) {}
  WholeFile& operator=(WholeFile&&) = delete;
  ~WholeFile() {
    if (lender_ != nullptr) lender_->swap(bytes);
  }
  int fd() const { return fd_.get(); }
  // `bytes` are `from`'s until this WholeFile goes.
  void Borrow(std::string& from) {
    bytes.swap(from);
    lender_ = &from;
  }

  struct stat stat {};
  std::string bytes;

 private:
  UniqueFd fd_;
  std::string* lender_ = nullptr;
};

// Reads the first `length` bytes of `fd` into `to`; false when it cannot.
bool ReadFully(int fd, char* to, size_t length) {
  size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd, to + got, length - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

// The regular file at `path`, whole in memory: its receiver's copy, when
// the copy's size is the file's; else the file read whole when it has at
// most kReadWholeBelow bytes. Nothing otherwise, also when it cannot be opened
// or read (the path's route then reports what is wrong, as it always did).
// The file is read through the receiver's descriptor when it gave one.
std::optional<WholeFile> ReadWholeFile(const std::string& path, ReceivedCopy* received) {
  UniqueFd given = received != nullptr ? std::move(received->file) : UniqueFd();
  WholeFile file(given.valid() ? std::move(given)
                               : UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)));
  const int fd = file.fd();
  if (fd < 0) return std::nullopt;
  if (::fstat(fd, &file.stat) != 0 || !S_ISREG(file.stat.st_mode)) return std::nullopt;
  const auto size = static_cast<size_t>(file.stat.st_size);
  if (received != nullptr && !received->bytes.empty() && received->bytes.size() == size) {
    file.Borrow(received->bytes);
    return file;
  }
  if (file.stat.st_size > kReadWholeBelow) return std::nullopt;
  file.bytes.resize(size);
  if (!ReadFully(fd, file.bytes.data(), size)) return std::nullopt;
  return file;
}

// DcmFileFormat::loadFile of a file's bytes in memory: the same parse
// (DCMTK's loadFile is transferInit, read, transferEnd on a file stream);
// a value longer than kLazyLoadThreshold stays where it is in `bytes`
// (in_memory_input_stream.h), which outlive `file`.
OFCondition LoadFromBytes(DcmFileFormat& file, const std::string& bytes) {
  thumbnail::InMemoryInputStream stream(bytes);
  file.transferInit();
  const OFCondition read = file.read(stream, EXS_Unknown, EGL_noChange, kLazyLoadThreshold);
  file.transferEnd();
  return read;
}

// Waits on every path out of Ingest() for a task that uses its locals.
template <typename T>
class JoinOnExit {
 public:
  explicit JoinOnExit(std::future<T>& future) : future_(future) {}
  ~JoinOnExit() {
    if (future_.valid()) future_.wait();
  }

 private:
  std::future<T>& future_;
};

// PS3.4 B.2.3 / C.4.1.2: the identity of a composite instance. The data
// set's UIDs must be those of the C-STORE request (and its study that of a
// STOW-RS request's URL, PS3.18 10.5.1), unless they were encoded
// as UN: a sender that does not apply the dictionary VR (PS3.5 6.2.2) reads
// them as bytes (dcmsend names such an instance "31"), and the data set is
// what import would catalog.
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
  if (!request.expected_study_instance_uid.empty() &&
      request.expected_study_instance_uid != m.study.study_instance_uid) {
    return Status::InvalidArgument("Study Instance UID " + m.study.study_instance_uid +
                                   " in the data set differs from " +
                                   request.expected_study_instance_uid + " in the request");
  }
  if (m.identity_encoded_as_un) return Status::Ok();
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

FileFacts FileFactsOf(const struct stat& st, std::string sha256) {
  FileFacts facts;
  facts.size_bytes = st.st_size;
  facts.sha256 = std::move(sha256);
  facts.file_mtime = ToIso8601(st.st_mtim);
  facts.received_at = NowIso8601();
  return facts;
}

Result<FileFacts> ComputeFileFacts(const std::string& path, const std::string& known_sha256) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "cannot stat " + path);
  auto hash = known_sha256.empty() ? storage::Sha256OfFile(path) : Result<std::string>(known_sha256);
  if (!hash.ok()) return hash.status();
  return FileFactsOf(st, std::move(hash).value());
}

// The one place an index failure becomes an ingest failure. What the index
// reports as a constraint ("already exists"), bad SQL ("invalid argument") or
// corruption says nothing about the data set, so it must not reach the sender
// as a duplicate (0111) or a data set error (A900, C000): it is an internal
// failure, except running out of resources, I/O or a transaction conflict
// the writer retried in vain, which stay what they are (A700).
Status IndexFailure(const Status& status) {
  switch (status.code()) {
    case Status::Code::kResourceExhausted:
    case Status::Code::kIoError:
    case Status::Code::kAborted:
      return status;
    default:
      return Status::Internal("index: " + status.message());
  }
}

}  // namespace

IngestPipeline::IngestPipeline(storage::FileStore& store, index::IndexWriter& writer,
                               IngestOptions options)
    : store_(store),
      writer_(writer),
      options_(std::move(options)),
      fsync_cost_(options_.fsync_inline_below) {}

void IngestPipeline::RecordEvent(EventRecord event) {
  const EventKind kind = event.kind;
  Status s = writer_.Record(std::move(event));
  if (!s.ok()) LogWarning("cannot record {} event: {}", EventKindName(kind), s.ToString());
}

void IngestPipeline::RecordEvent(EventKind kind, const IngestOutcome& outcome,
                                 const IngestRequest& request, const std::string& detail) {
  EventRecord event;
  event.kind = kind;
  event.sop_instance_uid = outcome.sop_instance_uid;
  event.calling_aet = request.provenance.calling_aet;
  event.detail = detail;
  RecordEvent(std::move(event));
}

bool IngestPipeline::KeepsOtherCopy(const index::CatalogedCopy& existing, InstanceRecord& record,
                                    IngestOutcome& outcome, const IngestRequest& request) {
  if (existing.path == record.file.relative_path) {
    // The same file cataloged again: the facts of its reception stay.
    record.file.received_at = existing.received_at;
    record.provenance = existing.provenance;
    return false;
  }
  std::error_code ec;
  if (!std::filesystem::exists(store_.layout().FileOf(existing.path), ec)) return false;
  outcome.disposition = Disposition::kKeptExisting;
  outcome.warning = "another copy of this instance is cataloged at " + existing.path +
                    "; this file is left alone, uncataloged";
  RecordEvent(EventKind::kDuplicateInLayout, outcome, request,
              record.file.relative_path + " left uncataloged; cataloged copy: " + existing.path);
  outcome.relative_path = existing.path;
  return true;
}

Result<IngestOutcome> IngestPipeline::Ingest(const IngestRequest& request, ReceivedCopy* received) {
  // The pipeline owns the incoming file from here: it is removed on every
  // path out of Ingest(); after the commit it is the journal entry of the
  // stored file until then.
  storage::IncomingFile incoming(store_, request.in_place ? std::string() : request.incoming_path);
  // A small file is read once, here, and a received one is taken from
  // memory; any other is read where it is. (It stays open until the file's
  // tasks below are joined.)
  const std::optional<WholeFile> whole = ReadWholeFile(request.incoming_path, received);
  // 1. validate, the framing first (DCMTK's parser recurses per nesting level
  // and spends CPU per element far beyond its bytes); it reads headers only,
  // so a refused file is not hashed either (a sparse file's hole would be).
  PIXELDEX_RETURN_IF_ERROR(whole ? metadata::CheckStoredDataSetOfFile(whole->bytes)
                                 : metadata::CheckStoredDataSet(request.incoming_path));
  // The received file's fsync (unless in place) and, for a file not in
  // memory or larger than kReadWholeBelow, its facts (hash, size) on other
  // threads while this one parses, extracts and renders; both only read or
  // flush the finished file (or its bytes), and are joined before
  // `incoming` may remove it. The fsync runs on until the
  // commit, beside the directory's (FileStore::CommitWhileSyncing).
  storage::FileStore::PendingSync file_sync;
  if (!request.in_place) {
    const int fd = whole ? whole->fd() : -1;
    const auto sync = [this, &request, fd] {
      const auto started = std::chrono::steady_clock::now();
      auto synced = store_.SyncIncoming(request.incoming_path, fd);
      fsync_cost_.Observe(std::chrono::steady_clock::now() - started);
      return synced;
    };
    if (fsync_cost_.RunInline()) {  // cheaper here than a hand-off (fsync_cost.h)
      std::promise<Result<storage::FileStore::SyncedIncoming>> done;
      done.set_value(sync());
      file_sync = done.get_future();
    } else {
      file_sync = file_workers_.Submit(sync);
    }
  }
  JoinOnExit join_file_sync(file_sync);
  // A small file's hash is taken on this thread (microseconds with SHA-NI).
  const bool hash_here = whole && whole->bytes.size() <= kReadWholeBelow;
  const auto whole_file_facts = [&request, &whole]() -> Result<FileFacts> {
    return FileFactsOf(whole->stat,
                       request.sha256.empty() ? storage::Sha256Hex(whole->bytes) : request.sha256);
  };
  std::future<Result<FileFacts>> file_facts;
  if (whole && !hash_here) {
    file_facts = file_workers_.Submit(whole_file_facts);
  } else if (!whole) {
    file_facts = file_workers_.Submit(
        [&request] { return ComputeFileFacts(request.incoming_path, request.sha256); });
  }
  JoinOnExit join_file_facts(file_facts);

  DcmFileFormat file;
  const OFCondition loaded = whole
                                 ? LoadFromBytes(file, whole->bytes)
                                 : file.loadFile(request.incoming_path.c_str(), EXS_Unknown,
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
  std::string relative_path =
      request.in_place ? store_.layout().RecordedPath(request.incoming_path)
                       : store_.layout().RelativePathFor(record.study.study_instance_uid,
                                                         record.series.series_instance_uid,
                                                         record.instance.sop_instance_uid);
  const bool in_layout =
      request.in_place && !std::filesystem::path(relative_path).is_absolute();

  // 3. thumbnail: rendered while the file is still private to us
  if (options_.thumbnails) {
    DcmDataset& ds = *file.getDataset();
    record.thumbnail = thumbnail::RenderThumbnail(ds, ds.getOriginalXfer(), options_.thumbnail);
  } else {
    record.thumbnail = ThumbnailRecord{ThumbnailStatus::kDisabled, {}, 0, 0, {}};
  }
  auto facts = hash_here ? whole_file_facts() : file_facts.get();
  if (!facts.ok()) return facts.status();
  record.file = std::move(facts).value();
  record.file.relative_path = std::move(relative_path);

  IngestOutcome outcome;
  outcome.sop_class_uid = record.instance.sop_class_uid;
  outcome.sop_instance_uid = record.instance.sop_instance_uid;
  outcome.study_instance_uid = record.study.study_instance_uid;
  outcome.series_instance_uid = record.series.series_instance_uid;
  outcome.relative_path = record.file.relative_path;
  outcome.size_bytes = record.file.size_bytes;
  outcome.thumbnail_status = record.thumbnail->status;
  outcome.thumbnail_reason = record.thumbnail->reason;
  outcome.warning = m.warning;
  const std::string text_problem = m.warning;
  if (m.identity_encoded_as_un && !request.expected_sop_instance_uid.empty() &&
      request.expected_sop_instance_uid != outcome.sop_instance_uid) {
    if (!outcome.warning.empty()) outcome.warning += "; ";
    outcome.warning += "the request named the instance '" + request.expected_sop_instance_uid +
                       "': its UIDs are encoded as UN, the data set's are used";
  }

  // The instance's lock (IndexWriter::LockInstance) makes the stores and
  // deletes of this UID take turns, those of this process's threads and of
  // other processes (a `pixeldex delete` beside a server, the nodes of one
  // PostgreSQL database): the duplicates policy holds, and a file is only
  // ever taken back while nothing else can have replaced or deleted it.
  auto instance_lock = writer_.LockInstance(record.instance.sop_instance_uid);
  if (!instance_lock.ok()) return IndexFailure(instance_lock.status());
  if (in_layout || options_.duplicates != DuplicatePolicy::kReplace) {
    auto existing = writer_.FindCopy(record.instance.sop_instance_uid);
    if (!existing.ok()) return existing.status();
    if (existing->has_value() && in_layout) {
      if (KeepsOtherCopy(**existing, record, outcome, request)) return outcome;
    } else if (existing->has_value()) {
      if (options_.duplicates == DuplicatePolicy::kReject) {
        return Status::AlreadyExists("SOP Instance UID " + record.instance.sop_instance_uid +
                                     " is already stored");
      }
      outcome.disposition = Disposition::kKeptExisting;
      outcome.relative_path = (*existing)->path;
      RecordEvent(EventKind::kDuplicateKept, outcome, request, "new copy discarded (duplicates = keep)");
      return outcome;
    }
  }

  // 4. store (files cataloged in place stay where they are)
  bool overwrote_file = true;
  if (!request.in_place) {
    // Rows only after the file, its name and its directory are durable (a
    // row never names a file a power loss can take back: reconciler.h); the
    // file's and the directory's flushes overlap (file_store.h, issue 20).
    auto placed =
        store_.CommitWhileSyncing(request.incoming_path, file_sync, record.file.relative_path);
    if (!placed.ok()) return placed.status();
    overwrote_file = *placed == storage::FileStore::Placement::kReplaced;
    store_.NoteStored(static_cast<uint64_t>(outcome.size_bytes));
    // `incoming` stays until the rows are written: the journal entry of a
    // file in the layout that may lack rows (file_store.h).
  }

  // 5. index
  auto written = writer_.Write(std::move(record));
  if (!written.ok()) {
    // Rows failed: take back the file we made visible, unless it replaced an
    // older copy whose rows still point at this path.
    // One that cannot be taken back is a file without rows: reconcile
    // catalogs it at the next start.
    Status removed = overwrote_file ? Status::Ok() : store_.Remove(outcome.relative_path);
    if (!removed.ok()) LogWarning("cannot take back a stored file: {}", removed.ToString());
    return IndexFailure(written.status());
  }
  if (outcome.thumbnail_failed()) {
    RecordEvent(EventKind::kThumbnailFailed, outcome, request,
                StoredThumbnailStatus(outcome.thumbnail_status, outcome.thumbnail_reason));
  }
  // PS3.5 6.1: text stored with U+FFFD where the bytes were undecodable.
  if (!text_problem.empty()) RecordEvent(EventKind::kTextUndecodable, outcome, request, text_problem);
  if (written->replaced && request.in_place && written->replaced_path == outcome.relative_path) {
    outcome.disposition = Disposition::kRecataloged;  // its own rows, rebuilt
  } else if (written->replaced) {
    outcome.disposition = Disposition::kReplaced;
    RecordEvent(EventKind::kDuplicateReplaced, outcome, request, "previous copy: " + written->replaced_path);
    // Only files inside the layout are ours to remove; in-place paths are absolute.
    const bool old_is_ours = !std::filesystem::path(written->replaced_path).is_absolute();
    if (!in_layout && old_is_ours && written->replaced_path != outcome.relative_path) {
      // The new copy is stored and indexed; the old file left behind is only
      // a file without rows (check reports it as extra).
      Status removed = store_.Remove(written->replaced_path);
      if (!removed.ok()) LogWarning("cannot remove the replaced copy: {}", removed.ToString());
    }
  }
  // Answered before the locals above are tidied away (about 5 % of a 64x64
  // C-STORE's CPU; one sender's rate +2.5 %: bench/README.md).
  if (request.on_indexed) request.on_indexed(outcome);
  return outcome;
}

}  // namespace pixeldex::ingest

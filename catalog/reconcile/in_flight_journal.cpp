#include "catalog/reconcile/in_flight_journal.h"

#include <dcmtk/dcmdata/dcfilefo.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string_view>

#include "catalog/common/log.h"
#include "catalog/metadata/metadata_extractor.h"

namespace pixeldex::reconcile {
namespace {

namespace fs = std::filesystem;

// Values longer than this are not read: only the UIDs matter here.
constexpr Uint32 kLazyLoadThreshold = 4096;

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::lstat(a.c_str(), &sa) == 0 && ::lstat(b.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The layout path the ingest pipeline gave the entry's data set, or "".
std::string RelativePathOf(const storage::StorageLayout& layout, const std::string& entry) {
  DcmFileFormat file;
  if (file.loadFile(entry.c_str(), EXS_Unknown, EGL_noChange, kLazyLoadThreshold, ERM_autoDetect)
          .bad()) {
    return {};
  }
  auto m = metadata::ExtractMetadata(file);
  if (!m.ok() || m->instance.sop_instance_uid.empty() || m->study.study_instance_uid.empty() ||
      m->series.series_instance_uid.empty()) {
    return {};
  }
  return layout.RelativePathFor(m->study.study_instance_uid, m->series.series_instance_uid,
                                m->instance.sop_instance_uid);
}

constexpr std::string_view kServingPrefix = ".serving-";

// This boot's identity (Linux); "" when it cannot be read.
std::string BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

// The serving marks below the root, by file name.
std::vector<std::string> ServingMarks(const storage::StorageLayout& layout) {
  std::vector<std::string> marks;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.ServingMarksDir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kServingPrefix) && entry.is_directory(ec)) marks.push_back(name);
  }
  return marks;
}

storage::TreePath MarksDirInTree(const storage::StorageLayout& layout) {
  if (layout.node().empty()) return {layout.root(), {}};  // the root itself
  return {layout.root(), layout.ServingMarksDir().lexically_relative(layout.root())};
}

storage::TreePath MarkInTree(const storage::StorageLayout& layout, const std::string& mark) {
  return {layout.root(), (layout.ServingMarksDir() / mark).lexically_relative(layout.root())};
}

Status RemoveMarks(storage::FileSystem& file_system, const storage::StorageLayout& layout,
                   const std::string& keep) {
  std::error_code ec;
  for (const std::string& mark : ServingMarks(layout)) {
    if (mark != keep && !fs::remove(layout.ServingMarksDir() / mark, ec) && ec) {
      return Status::FromErrno(ec.value(),
                               "cannot remove " + (layout.ServingMarksDir() / mark).string());
    }
  }
  return file_system.Sync(MarksDirInTree(layout));
}

storage::TreePath InTree(const storage::StorageLayout& layout, const std::string& absolute) {
  return {layout.root(), fs::path(absolute).lexically_relative(layout.root())};
}

void RemoveLink(storage::FileStore& store, const std::string& absolute) {
  const Status removed = store.file_system().RemoveFile(InTree(store.layout(), absolute));
  if (!removed.ok()) LogWarning("cannot remove {}: {}", absolute, removed.ToString());
}

}  // namespace

bool JournalComplete(const storage::StorageLayout& layout) {
  std::error_code ec;
  return fs::is_directory(layout.JournalCompleteMarker(), ec);
}

Status MarkJournalComplete(storage::FileSystem& file_system, const storage::StorageLayout& layout) {
  const Status created =
      file_system.CreateDirectory({layout.root(), layout.JournalCompleteMarker().filename()});
  if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
  return file_system.Sync({layout.root(), {}});
}

bool ServedAcrossAReboot(const storage::StorageLayout& layout) {
  const std::string mine = std::string(kServingPrefix) + BootId();
  for (const std::string& mark : ServingMarks(layout)) {
    if (mark != mine) return true;
  }
  return false;
}

Status MarkServing(storage::FileSystem& file_system, const storage::StorageLayout& layout) {
  const std::string mine = std::string(kServingPrefix) + BootId();
  const Status created = file_system.CreateDirectory(MarkInTree(layout, mine));
  if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
  return RemoveMarks(file_system, layout, mine);
}

Status MarkStopped(storage::FileSystem& file_system, const storage::StorageLayout& layout) {
  return RemoveMarks(file_system, layout, "");
}

std::vector<JournalEntry> ReadJournal(const storage::FileStore& store) {
  const storage::StorageLayout& layout = store.layout();
  std::vector<JournalEntry> journal;
  for (std::string& entry : store.JournalEntries()) {
    JournalEntry e;
    const std::string relative = RelativePathOf(layout, entry);
    e.resolved = !relative.empty();
    if (e.resolved) {
      const std::string committed = layout.Absolute(relative).string();
      const std::string committing =
          layout.Absolute(storage::StorageLayout::CommittingRelativePath(relative, entry)).string();
      if (SameFile(entry, committed)) e.committed_path = committed;
      if (SameFile(entry, committing)) e.committing_path = committing;
    }
    e.incoming_path = std::move(entry);
    journal.push_back(std::move(e));
  }
  return journal;
}

void RemoveCommittingLinks(storage::FileStore& store, const std::vector<JournalEntry>& journal) {
  for (const JournalEntry& e : journal) {
    if (!e.committing_path.empty()) RemoveLink(store, e.committing_path);
  }
}

void RemoveJournal(storage::FileStore& store, const std::vector<JournalEntry>& journal,
                   const std::set<std::string>& failed) {
  for (const JournalEntry& e : journal) {
    if (!failed.contains(e.committed_path)) RemoveLink(store, e.incoming_path);
  }
}

}  // namespace pixeldex::reconcile

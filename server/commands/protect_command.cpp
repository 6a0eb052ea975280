// `pixeldex protect`, `pixeldex unprotect` and `pixeldex recycle`: studies
// retention and recycling never remove, and the rules run once by hand or
// from cron (catalog/reconcile/recycler.h).

#include <chrono>
#include <cstdio>

#include "catalog/reconcile/recycler.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"
#include "server/dimse/archive_room.h"

namespace pixeldex::server {
namespace {

constexpr const char* kExitStatus =
    "\nexit status:\n"
    "  0  done\n"
    "  1  something failed (on stderr)\n"
    "  2  usage error\n";

Status SomeUids(const std::vector<std::string>& uids) {
  return uids.empty() ? Status::InvalidArgument("give one or more Study Instance UIDs")
                      : Status::Ok();
}

// Runs `mark` with the archive's index writer on each Study Instance UID of
// the command line.
template <typename Mark>
int MarkStudies(int argc, char** argv, const char* name, const char* description,
                std::string* reason, Mark mark) {
  ArgParser parser(std::string("pixeldex ") + name + (reason ? " [--reason TEXT]" : "") +
                       " STUDY_UID...",
                   description);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  if (reason != nullptr) {
    parser.Option("--reason", "TEXT", "why (kept in protected_studies.reason)",
                  [&](const std::string& v) {
                    *reason = v;
                    return Status::Ok();
                  });
  }
  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, name, kExitStatus, SomeUids);
  if (!command_line.settings) return command_line.exit_code;
  // Opening the archive brings an older index to the schema that has the table.
  auto archive = OpenWritableArchive(*command_line.settings);
  if (archive == nullptr) return 1;
  int failed = 0;
  for (const std::string& uid : command_line.positional) {
    const Status status = mark(archive->writer(), uid);
    if (!status.ok()) {
      ++failed;
      std::fprintf(stderr, "pixeldex %s: %s: %s\n", name, uid.c_str(), status.message().c_str());
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

int RunProtect(int argc, char** argv) {
  std::string reason;
  return MarkStudies(
      argc, argv, "protect",
      "Protect studies from retention (retention.max_age_days), recycling\n"
      "(storage.recycling) and deletion ('pixeldex delete', DICOMweb DELETE): they are\n"
      "never deleted, stored or not yet.\n"
      "The list is the table protected_studies; 'pixeldex unprotect' takes a study off.\n"
      "See README, \"Retention and recycling\".",
      &reason, [&](index::IndexWriter& writer, const std::string& uid) {
        return writer.Protect(uid, reason);
      });
}

int RunUnprotect(int argc, char** argv) {
  return MarkStudies(argc, argv, "unprotect",
                     "Take studies off the protected list (see 'pixeldex protect').\n"
                     "See README, \"Retention and recycling\".",
                     nullptr,
                     [](index::IndexWriter& writer, const std::string& uid) {
                       return writer.Unprotect(uid);
                     });
}

int RunRecycle(int argc, char** argv) {
  ArgParser parser("pixeldex recycle [--dry-run]",
                   "Apply retention.max_age_days, and storage.max_size_mb when storage.recycling\n"
                   "is on, once: the oldest unprotected studies (by the time their last instance\n"
                   "arrived) are deleted through the crash-safe deleter, each instance an event\n"
                   "'deleted' naming the rule. Safe while the server runs; e.g. daily from cron.\n"
                   "See README, \"Retention and recycling\".");
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  bool dry_run = false;
  parser.Flag("--dry-run", "list the studies that would go; change nothing", [&] {
    dry_run = true;
    return Status::Ok();
  });
  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, "recycle", kExitStatus);
  if (!command_line.settings) return command_line.exit_code;
  const Settings& settings = *command_line.settings;
  ConfigureBatchLog(settings);
  auto archive = OpenWritableArchive(settings);
  if (archive == nullptr) return 1;
  const auto policy = RecyclePolicyOf(settings.storage);
  const auto now = std::chrono::system_clock::now();
  if (dry_run) {
    auto studies = reconcile::SelectStudiesToRecycle(settings.storage.index, policy, now, 0);
    if (!studies.ok()) {
      std::fprintf(stderr, "pixeldex recycle: %s\n", studies.status().message().c_str());
      return 1;
    }
    for (const auto& study : *studies) {
      std::printf("would delete study %s: %zu instances, %lld bytes (%s)\n",
                  study.study_instance_uid.c_str(), study.instances.size(),
                  static_cast<long long>(study.bytes), study.rule.c_str());
    }
    return 0;
  }
  auto report = reconcile::Recycle(archive->store().file_system(), archive->store().layout(),
                                   archive->writer(), settings.storage.index, policy, now, 0);
  if (!report.ok()) {
    std::fprintf(stderr, "pixeldex recycle: %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("pixeldex recycle: %lld studies, %lld instances, %lld bytes deleted\n",
              static_cast<long long>(report->studies), static_cast<long long>(report->instances),
              static_cast<long long>(report->bytes));
  return 0;
}

}  // namespace pixeldex::server

// `pixeldex delete`: remove a selection of instances (an SQL condition over
// instance_details, or UIDs) from the archive, crash-safe, with who and why
// recorded (catalog/reconcile/instance_deleter.h).

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "catalog/common/log.h"
#include "catalog/export/export_selection.h"
#include "catalog/index/postgres/archive_reads_of.h"
#include "catalog/reconcile/instance_deleter.h"
#include "catalog/reconcile/study_protection.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr const char* kDeleteDescription =
    "Delete stored instances: their files and their rows. Select with --where, an SQL\n"
    "condition over the view instance_details checked read-only like 'pixeldex query',\n"
    "or with UIDs (each a Study, Series or SOP Instance UID; a patient: --where\n"
    "\"patient_id = '...'\"). --dry-run lists what would go and changes nothing;\n"
    "otherwise --reason is required and every deleted instance is an event 'deleted'\n"
    "with the OS user and the reason. Crash-safe: each file is first moved to the\n"
    "storage root's .deleting/ folder, then its rows are deleted (C-FIND stops\n"
    "returning it at once), then the file; a delete a crash interrupts is finished at\n"
    "the next start of 'pixeldex serve' or by 'pixeldex reindex'. Safe while the server\n"
    "runs. A file outside the storage root (import --in-place) is kept; its rows go.\n"
    "Instances of a protected study ('pixeldex protect') are refused and kept: the\n"
    "refusal is logged with the user and the study; 'pixeldex unprotect' it first.";

constexpr const char* kDeleteEpilogue =
    "\nexit status:\n"
    "  0  every selected instance was deleted (or listed, with --dry-run)\n"
    "  1  something failed or was refused (listed on stderr), or a UID selected nothing\n"
    "  2  usage error\n"
    "\n"
    "examples:\n"
    "  pixeldex delete --dry-run --where \"study_date < '20100101'\"\n"
    "  pixeldex delete --reason \"consent withdrawn, ticket 4711\" 1.2.840.113619.2.55.3.1234\n";

struct DeleteOptions {
  std::string where;
  std::string reason;
  bool dry_run = false;
};

std::string OsUser() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid " + std::to_string(::geteuid());
}

Status CheckDeleteUsage(const DeleteOptions& options, const std::vector<std::string>& uids) {
  if (options.where.empty() == uids.empty()) {
    return Status::InvalidArgument("give either --where EXPR or UIDs (one of them)");
  }
  if (!options.dry_run && options.reason.empty()) {
    return Status::InvalidArgument("--reason TEXT is required (it is recorded with the delete)");
  }
  return Status::Ok();
}

// Takes the instances of protected studies out of `selection` and logs each
// refusal (the user and the study as fields); returns how many were taken.
Result<size_t> RefuseProtected(const std::string& index_location, const std::string& user,
                               exporting::Selection& selection) {
  if (selection.instances.empty()) return size_t{0};
  std::vector<std::string> studies;
  for (const auto& instance : selection.instances) {
    studies.push_back(instance.Text("study_instance_uid"));
  }
  auto reads = index::OpenArchiveReads(index_location);
  if (!reads.ok()) return reads.status();
  auto protections = reconcile::ProtectionsOf(**reads, studies);
  if (!protections.ok()) return protections.status();
  std::set<std::string> refused;
  for (const reconcile::StudyProtection& protection : *protections) {
    refused.insert(protection.study_instance_uid);
    LogWarning({{"user", user}, {"study_instance_uid", protection.study_instance_uid}},
               "pixeldex delete refused for user {}: {}", user,
               reconcile::RefusalMessage(protection));
  }
  const size_t before = selection.instances.size();
  std::erase_if(selection.instances, [&](const exporting::SelectedInstance& instance) {
    return refused.contains(instance.Text("study_instance_uid"));
  });
  return before - selection.instances.size();
}

}  // namespace

int RunDelete(int argc, char** argv) {
  ArgParser parser("pixeldex delete [--dry-run] [--reason TEXT] (--where EXPR | UID...)",
                   kDeleteDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  DeleteOptions options;
  parser.Flag("--dry-run", "list what would be deleted; change nothing", [&] {
    options.dry_run = true;
    return Status::Ok();
  });
  parser.Option("--reason", "TEXT", "why (recorded in the event with the OS user)",
                [&](const std::string& v) {
                  options.reason = v;
                  return Status::Ok();
                });
  parser.Option("--where", "EXPR", "an SQL condition over the view instance_details",
                [&](const std::string& v) {
                  options.where = v;
                  return v.empty() ? Status::InvalidArgument("--where needs a condition")
                                   : Status::Ok();
                });
  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, argv, "delete", kDeleteEpilogue,
      [&](const std::vector<std::string>& uids) { return CheckDeleteUsage(options, uids); });
  if (!command_line.settings) return command_line.exit_code;
  const Settings& settings = *command_line.settings;

  auto selected =
      exporting::SelectFromIndex(settings.storage.index, options.where, command_line.positional);
  if (!selected.ok()) return ReportFailure("delete", selected.status());
  exporting::Selection& selection = *selected;
  const size_t selected_count = selection.instances.size();
  for (const std::string& uid : selection.unmatched_uids) {
    std::fprintf(stderr, "  %s: selects no stored instance\n", uid.c_str());
  }
  // Opened first: opening brings an older index to the schema with protected_studies.
  std::unique_ptr<CatalogArchive> archive;
  if (!options.dry_run && selected_count > 0) {
    ConfigureBatchLog(settings);
    archive = OpenWritableArchive(settings);
    if (archive == nullptr) return 1;
  }
  const std::string user = OsUser();
  const auto refused = RefuseProtected(settings.storage.index, user, selection);
  if (!refused.ok()) return ReportFailure("delete", refused.status());
  size_t failed = 0;
  if (options.dry_run) {
    for (const auto& instance : selection.instances) {
      std::printf("would delete %s %s\n", instance.Text("sop_instance_uid").c_str(),
                  instance.Text("path").c_str());
    }
  } else {
    const std::string who_and_why = "user " + user + ": " + options.reason;
    for (const auto& instance : selection.instances) {
      const reconcile::DeleteTarget target{instance.Text("sop_instance_uid")};
      const Status status =
          reconcile::DeleteInstance(archive->store().file_system(), archive->store().layout(),
                                    archive->writer(), target, who_and_why);
      if (!status.ok()) {
        ++failed;
        std::fprintf(stderr, "  failed %s: %s\n", target.sop_instance_uid.c_str(),
                     status.message().c_str());
      }
    }
  }
  std::printf("pixeldex delete: %zu selected, %zu deleted, %zu failed, %zu refused (protected)\n",
              selected_count, options.dry_run ? 0 : selection.instances.size() - failed, failed,
              *refused);
  return failed == 0 && *refused == 0 && selection.unmatched_uids.empty() ? 0 : 1;
}

}  // namespace pixeldex::server

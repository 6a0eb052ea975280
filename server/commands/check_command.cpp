// `pixeldex check`: verify the stored files against the index, read-only
// (catalog/reconcile/archive_checker.h).

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "catalog/index/result_formatter.h"
#include "catalog/reconcile/archive_checker.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr const char* kCheckDescription =
    "Verify the archive: walk the storage tree, hash every file and compare it with the\n"
    "index, and check that the file of every row exists, also of files imported with\n"
    "--in-place from outside the storage root. Nothing is changed. Problems:\n"
    "  missing     a row whose file is not there\n"
    "  extra       a file below the storage root (outside .incoming/) no row records\n"
    "  mismatch    a file whose SHA-256 or size differs from its row's\n"
    "  unreadable  a file or directory that cannot be read\n"
    "and one warning:\n"
    "  foreign     a file below the storage root that is not DICOM, or not an instance\n"
    "              (a DICOMDIR): nothing to catalog, listed for a person to look at\n"
    "Safe while 'pixeldex serve' or 'pixeldex import' write the same archive: each\n"
    "problem is confirmed against the index again after the walk, so an instance being\n"
    "stored at that moment is not reported. 'pixeldex reindex' removes the rows of\n"
    "missing files and catalogs extra files (a server's start reads only its journal\n"
    "of in-flight files, unless storage.walk_at_start is set); a\n"
    "mismatch is never repaired silently: restore the file, have the instance sent\n"
    "again, or accept the file as it is with 'pixeldex reindex --accept-changed'.\n"
    "See README, \"Crash safety and reconciliation\".";

constexpr const char* kCheckEpilogue =
    "\noutput:\n"
    "  stdout: one row per problem (columns problem, sop_instance_uid, path, detail) in\n"
    "  the chosen format, and with --format table a last line with the totals (files,\n"
    "  rows, MB hashed, problems); with the other formats that line goes to stderr.\n"
    "\n"
    "exit status:\n"
    "  0  files and index agree (warnings alone, listed, do not change that)\n"
    "  1  problems were found (listed), or the index could not be read\n"
    "  2  usage error\n"
    "\n"
    "examples:\n"
    "  pixeldex check --config /etc/pixeldex.conf\n"
    "  pixeldex check --storage var/storage --index var/index.db --format jsonl\n";

index::SqlValue Text(std::string text) {
  index::SqlValue value;
  value.type = text.empty() ? index::SqlValue::Type::kNull : index::SqlValue::Type::kText;
  value.bytes = std::move(text);
  return value;
}

int64_t Problems(const reconcile::CheckReport& report) {
  return std::count_if(report.findings.begin(), report.findings.end(),
                       [](const reconcile::Finding& f) { return !reconcile::IsWarning(f.problem); });
}

Status Print(const reconcile::CheckReport& report, index::OutputFormat format) {
  auto sink = index::MakeResultFormatter(format, std::cout);
  PIXELDEX_RETURN_IF_ERROR(sink->Begin({"problem", "sop_instance_uid", "path", "detail"}));
  for (const reconcile::Finding& f : report.findings) {
    PIXELDEX_RETURN_IF_ERROR(sink->Row({Text(reconcile::ProblemName(f.problem)),
                                        Text(f.sop_instance_uid), Text(f.path), Text(f.detail)}));
  }
  PIXELDEX_RETURN_IF_ERROR(sink->End(static_cast<int64_t>(report.findings.size())));
  std::cout.flush();
  const int64_t problems = Problems(report);
  const int64_t warnings = static_cast<int64_t>(report.findings.size()) - problems;
  std::string verdict = problems == 0 ? std::string("files and index agree")
                                      : fmt::format("{} problem(s)", problems);
  if (warnings > 0) verdict += fmt::format(", {} warning(s)", warnings);
  const std::string totals =
      fmt::format("pixeldex check: {} files, {} rows{}, {:.1f} MB hashed: {}\n", report.files,
                  report.rows,
                  report.rows_outside_root == 0
                      ? std::string()
                      : fmt::format(" ({} of files outside the storage root, checked too)",
                                    report.rows_outside_root),
                  static_cast<double>(report.bytes_hashed) / 1e6, verdict);
  std::fputs(totals.c_str(), format == index::OutputFormat::kTable ? stdout : stderr);
  return Status::Ok();
}

}  // namespace

int RunCheck(int argc, char** argv) {
  ArgParser parser("pixeldex check [options]", kCheckDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  index::OutputFormat format = index::OutputFormat::kTable;
  parser.Option("--format", "FORMAT", "table (default), csv, json or jsonl",
                [&](const std::string& v) {
                  auto parsed = index::ParseOutputFormat(v);
                  if (!parsed.ok()) return parsed.status();
                  format = *parsed;
                  return Status::Ok();
                });

  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, "check", kCheckEpilogue);
  if (!command_line.settings) return command_line.exit_code;
  const Settings& settings = *command_line.settings;
  auto report = reconcile::CheckArchive(storage::StorageLayout(settings.storage.root),
                                        settings.storage.index);
  Status printed = report.ok() ? Print(*report, format) : report.status();
  if (!printed.ok()) {
    std::fprintf(stderr, "pixeldex check: %s\n", printed.ToString().c_str());
    return 1;
  }
  return Problems(*report) == 0 ? 0 : 1;
}

}  // namespace pixeldex::server

// `pixeldex export`: copy a selection of stored instances (an SQL condition
// over instance_details, or UIDs) to a folder with a manifest
// (catalog/export/exporter.h).

#include <cstdio>
#include <filesystem>

#include "catalog/deidentify/deidentifying_writer.h"
#include "catalog/export/exporter.h"
#include "catalog/storage/storage_layout.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr const char* kDescription =
    "Export stored instances to a folder, one file each, plus manifest.csv and\n"
    "manifest.jsonl (the selected index columns of each exported instance and its path\n"
    "below DIR as \"file\"), ready for a data loader. Select with --where, an SQL\n"
    "condition over the view instance_details checked read-only exactly like\n"
    "'pixeldex query' (e.g. \"modality = 'CT' AND study_date >= '20250101'\"), or with\n"
    "UIDs: each a Study, Series or SOP Instance UID (a patient: --where \"patient_id =\n"
    "'...'\"). Files are copied byte for byte, fsynced, written under a temporary\n"
    "name and renamed, so an interrupted export run again skips the files already\n"
    "complete. Layouts:\n"
    "  storage  STUDY/SERIES/INSTANCE.dcm, as the archive stores them (default)\n"
    "  tree     PATIENT/STUDY/SERIES/INSTANCE.dcm\n"
    "Every folder name is made from sanitised values, never from raw header text.\n"
    "Safe while 'pixeldex serve' ingests (the index is only read).\n"
    "\n"
    "--deidentify applies the PS3.15 Annex E Basic Application Level Confidentiality\n"
    "Profile (every attribute of Table E.1-1, also inside sequences; private attributes\n"
    "removed) with the options asked for. UIDs become 2.25.<keyed hash> and Patient IDs\n"
    "ANON-<keyed hash> of --project-key: the same original gives the same value in every\n"
    "export with that key. --mapping FILE (outside --out, mode 0600) keeps the table from\n"
    "original to pseudonym. Instances with Burned In Annotation YES, or without it in\n"
    "classes and modalities that carry burned-in text (Secondary Capture, Ultrasound;\n"
    "modality US, OT, XC, ES, SC), are left out unless --include-burned-in. Pixel Data\n"
    "is written back bit for bit, in the original transfer syntax. The README lists\n"
    "what happens to each attribute.";

constexpr const char* kEpilogue =
    "\nexit status:\n"
    "  0  every selected instance was exported (or left out as asked)\n"
    "  1  something failed (listed on stderr), or a UID selected nothing\n"
    "  2  usage error\n"
    "\n"
    "examples:\n"
    "  pixeldex export --where \"modality = 'CT' AND study_date >= '20250101'\" --out cohort\n"
    "  pixeldex export --layout tree --out case1 1.2.840.113619.2.55.3.1234\n"
    "  pixeldex export --where \"modality = 'MR'\" --out research --deidentify \\\n"
    "      --project-key \"$KEY\" --mapping private/mapping.csv --retain-dates-modified\n";

struct Options {
  std::string where;
  std::string out;
  exporting::ExportLayout layout = exporting::ExportLayout::kStorage;
  bool deidentify = false;
  std::string project_key;
  std::string mapping;
  deidentify::ProfileOptions profile;
  bool include_burned_in = false;
};

bool IsInside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const auto file = std::filesystem::weakly_canonical(std::filesystem::absolute(path));
  const auto dir = std::filesystem::weakly_canonical(std::filesystem::absolute(folder));
  const auto rel = file.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

Status CheckUsage(const Options& options, const std::vector<std::string>& uids) {
  if (options.out.empty()) return Status::InvalidArgument("--out DIR is required");
  if (options.where.empty() == uids.empty()) {
    return Status::InvalidArgument("give either --where EXPR or UIDs (one of them)");
  }
  const bool deidentify_options = !options.project_key.empty() || !options.mapping.empty() ||
                                  options.profile.retain_long_modified_dates ||
                                  options.profile.retain_patient_characteristics ||
                                  options.profile.retain_device_identity ||
                                  options.include_burned_in;
  if (!options.deidentify) {
    return deidentify_options
               ? Status::InvalidArgument("--project-key, --mapping, --retain-... and "
                                         "--include-burned-in go with --deidentify")
               : Status::Ok();
  }
  if (options.project_key.empty()) {
    return Status::InvalidArgument("--deidentify needs --project-key KEY");
  }
  if (!options.mapping.empty() && IsInside(options.mapping, options.out)) {
    return Status::InvalidArgument("--mapping must not be inside --out: the mapping "
                                   "re-identifies the export");
  }
  return Status::Ok();
}

// A flag that sets a bool.
void AddFlag(ArgParser& parser, const char* name, const char* help, bool* flag) {
  parser.Flag(name, help, [flag] {
    *flag = true;
    return Status::Ok();
  });
}

void PrintReport(const exporting::ExportReport& report, const exporting::Selection& selection) {
  for (const std::string& uid : selection.unmatched_uids) {
    std::fprintf(stderr, "  %s: selects no stored instance\n", uid.c_str());
  }
  for (const std::string& line : report.excluded) std::fprintf(stderr, "  excluded %s\n", line.c_str());
  for (const std::string& line : report.failed) std::fprintf(stderr, "  failed %s\n", line.c_str());
  std::printf("pixeldex export: %zu selected, %lld written, %lld already complete, %zu excluded, "
              "%zu failed\n",
              selection.instances.size(), static_cast<long long>(report.written),
              static_cast<long long>(report.already_complete), report.excluded.size(),
              report.failed.size());
}

int Fail(const Status& status) {
  std::fprintf(stderr, "pixeldex export: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

int RunExport(int argc, char** argv) {
  ArgParser parser("pixeldex export (--where EXPR | UID...) --out DIR [--layout storage|tree]\n"
                   "       [--deidentify --project-key KEY [--mapping FILE] [--retain-...]]",
                   kDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  Options options;
  parser.Option("--where", "EXPR", "an SQL condition over the view instance_details",
                [&](const std::string& v) {
                  options.where = v;
                  return v.empty() ? Status::InvalidArgument("--where needs a condition")
                                   : Status::Ok();
                });
  parser.Option("--out", "DIR", "the output folder (created if missing)",
                [&](const std::string& v) {
                  options.out = v;
                  return Status::Ok();
                });
  parser.Option("--layout", "LAYOUT", "storage (default) or tree", [&](const std::string& v) {
    auto layout = exporting::ParseExportLayout(v);
    if (!layout.ok()) return layout.status();
    options.layout = *layout;
    return Status::Ok();
  });

  AddFlag(parser, "--deidentify", "apply the PS3.15 Annex E Basic Profile (see above)",
          &options.deidentify);
  parser.Option("--project-key", "KEY", "the secret of the keyed pseudonyms (with --deidentify)",
                [&](const std::string& v) {
                  options.project_key = v;
                  return v.empty() ? Status::InvalidArgument("--project-key must not be empty")
                                   : Status::Ok();
                });
  parser.Option("--mapping", "FILE",
                "write original -> pseudonym to FILE (mode 0600, not inside --out)",
                [&](const std::string& v) {
                  options.mapping = v;
                  return Status::Ok();
                });
  AddFlag(parser, "--retain-dates-modified",
          "Retain Longitudinal Temporal Information with Modified Dates: dates shifted by a "
          "per-patient offset from the key",
          &options.profile.retain_long_modified_dates);
  AddFlag(parser, "--retain-patient-characteristics",
          "Retain Patient Characteristics Option (sex, age, size, weight, ...)",
          &options.profile.retain_patient_characteristics);
  AddFlag(parser, "--retain-device-identity",
          "Retain Device Identity Option (serial numbers, station names, ...)",
          &options.profile.retain_device_identity);
  parser.Flag("--clean-descriptors", "Clean Descriptors Option: not implemented, refused", [] {
    return Status::Unsupported("--clean-descriptors is not implemented: pixeldex cannot clean "
                               "free text; without it descriptions are removed as the basic "
                               "profile says");
  });
  AddFlag(parser, "--include-burned-in", "export instances that may have burned-in text too",
          &options.include_burned_in);

  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, argv, "export", kEpilogue,
      [&](const std::vector<std::string>& uids) { return CheckUsage(options, uids); });
  if (!command_line.settings) return command_line.exit_code;
  const Settings& settings = *command_line.settings;

  auto selection =
      exporting::SelectFromIndex(settings.storage.index, options.where, command_line.positional);
  if (!selection.ok()) return Fail(selection.status());

  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) return Fail(Status::FromErrno(ec.value(), "cannot create " + options.out));
  const storage::StorageLayout layout(settings.storage.root);
  exporting::CopyingWriter copying;
  const deidentify::KeyedPseudonyms keys(options.project_key);
  deidentify::PseudonymMapping mapping;
  deidentify::DeidentifyingWriter deidentifying(keys, options.profile, options.include_burned_in,
                                                mapping);
  exporting::InstanceWriter& writer =
      options.deidentify ? static_cast<exporting::InstanceWriter&>(deidentifying) : copying;
  exporting::Exporter exporter(options.out, options.layout, writer,
                               [&](const exporting::SelectedInstance& instance) {
                                 return layout.FileOf(instance.Text("path")).string();
                               });
  exporting::ExportReport report = exporter.Run(selection->instances);
  if (!options.mapping.empty()) {
    const Status written = mapping.WriteTo(options.mapping);
    if (!written.ok()) report.failed.push_back("mapping: " + written.message());
  }
  PrintReport(report, *selection);
  return report.failed.empty() && selection->unmatched_uids.empty() ? 0 : 1;
}

}  // namespace pixeldex::server

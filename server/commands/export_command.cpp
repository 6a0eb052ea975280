// `pixeldex export`: copy a selection of stored instances (an SQL condition
// over instance_details, or UIDs) to a folder (optionally a DICOM file set
// with a DICOMDIR) or a zip archive with a manifest, or send it to an AE by
// C-STORE (catalog/export/exporter.h and its destinations).

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "catalog/deidentify/deidentifying_writer.h"
#include "catalog/export/dicomdir_writer.h"
#include "catalog/export/exporter.h"
#include "catalog/export/zip_destination.h"
#include "catalog/import/progress_printer.h"
#include "catalog/storage/storage_layout.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/store_destination.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr const char* kExportDescription =
    "Export stored instances to a folder (--out DIR), a zip archive of the same\n"
    "content (--zip FILE, streamed: never held whole) or a remote AE by C-STORE (--to\n"
    "AET=HOST:PORT; each instance that fails is listed), one file each, plus (not with\n"
    "--to) manifest.csv and manifest.jsonl: the selected index columns of each exported\n"
    "instance and its path below DIR as \"file\", ready for a data loader. Select with\n"
    "--where, an SQL condition over the view instance_details checked read-only exactly like\n"
    "'pixeldex query' (e.g. \"modality = 'CT' AND study_date >= '20250101'\"), or with\n"
    "UIDs: each a Study, Series or SOP Instance UID (a patient: --where \"patient_id =\n"
    "'...'\"). Files are copied byte for byte, fsynced, written under a temporary\n"
    "name and renamed, so an interrupted export run again skips the files already\n"
    "complete. Layouts:\n"
    "  storage  STUDY/SERIES/INSTANCE.dcm, as the archive stores them (default)\n"
    "  tree     PATIENT/STUDY/SERIES/INSTANCE.dcm\n"
    "--dicomdir writes DIR/DICOMDIR (PS3.11 General Purpose CD-R, STD-GEN-CD) and names\n"
    "the files by DICOM File IDs: DICOM/Pxxxxxxx/Sxxxxxxx/Rxxxxxxx/Ixxxxxxx (hashes).\n"
    "Every folder name is made from sanitised values, never from raw header text.\n"
    "--render png|jpeg[:SIZE] writes a rendering of frame 1 beside each instance (the\n"
    "thumbnail renderer; SIZE pixels on the longest side, default 256) and a manifest\n"
    "column rendering_path, empty when there are no pixels to render.\n"
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
    "what happens to each attribute. --clean-descriptors keeps descriptions and comments\n"
    "(Study/Series Description, Image Comments, ...) with the patient's and staff names,\n"
    "IDs, accession number, institution and dates of the same instance removed.";

constexpr const char* kExportEpilogue =
    "\nexit status:\n"
    "  0  every selected instance was exported (or left out as asked)\n"
    "  1  something failed (listed on stderr), or a UID selected nothing\n"
    "  2  usage error\n"
    "\n"
    "examples:\n"
    "  pixeldex export --where \"modality = 'CT' AND study_date >= '20250101'\" --out cohort\n"
    "  pixeldex export --layout tree --out case1 1.2.840.113619.2.55.3.1234\n"
    "  pixeldex export --where \"patient_id = 'P1'\" --zip p1.zip\n"
    "  pixeldex export --to RESEARCH=10.0.0.5:104 1.2.840.113619.2.55.3.1234\n"
    "  pixeldex export --where \"modality = 'MR'\" --out research --deidentify \\\n"
    "      --project-key \"$KEY\" --mapping private/mapping.csv --retain-dates-modified \\\n"
    "      --clean-descriptors\n";

struct ExportOptions {
  std::string where;
  std::string out;
  std::string zip;
  std::optional<MoveDestination> to;
  exporting::ExportLayout layout = exporting::ExportLayout::kStorage;
  bool layout_given = false;
  bool dicomdir = false;
  bool deidentify = false;
  std::string project_key;
  std::string mapping;
  deidentify::ProfileOptions profile;
  bool include_burned_in = false;
  std::optional<exporting::RenderingOptions> render;
};

bool IsInside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const auto file = std::filesystem::weakly_canonical(std::filesystem::absolute(path));
  const auto dir = std::filesystem::weakly_canonical(std::filesystem::absolute(folder));
  const auto rel = file.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

Status CheckExportUsage(const ExportOptions& options, const std::vector<std::string>& uids) {
  if (!options.out.empty() + !options.zip.empty() + options.to.has_value() != 1) {
    return Status::InvalidArgument("give one destination: --out DIR, --zip FILE or --to "
                                   "AET=HOST:PORT");
  }
  if (options.dicomdir && (options.out.empty() || options.layout_given)) {
    return Status::InvalidArgument("--dicomdir goes with --out and its own layout (no --layout)");
  }
  if (options.where.empty() == uids.empty()) {
    return Status::InvalidArgument("give either --where EXPR or UIDs (one of them)");
  }
  if (options.render && (options.to || options.dicomdir)) {
    return Status::InvalidArgument(
        "--render goes with --out or --zip, without --dicomdir (a "
        "file set holds DICOM files only)");
  }
  const bool deidentify_options = !options.project_key.empty() || !options.mapping.empty() ||
                                  options.profile.retain_long_modified_dates ||
                                  options.profile.retain_patient_characteristics ||
                                  options.profile.retain_device_identity ||
                                  options.profile.clean_descriptors || options.include_burned_in;
  if (!options.deidentify) {
    return deidentify_options
               ? Status::InvalidArgument("--project-key, --mapping, --retain-... and "
                                         "--include-burned-in go with --deidentify")
               : Status::Ok();
  }
  if (options.project_key.empty()) {
    return Status::InvalidArgument("--deidentify needs --project-key KEY");
  }
  if (!options.mapping.empty() && !options.out.empty() && IsInside(options.mapping, options.out)) {
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

// "renderings: 10 made, 2 not made (1 no pixel data, 1 not decodable)".
void PrintRenderings(const exporting::ExportReport& report) {
  int64_t missing = 0;
  std::string reasons;
  for (const auto& [reason, count] : report.not_rendered) {
    missing += count;
    reasons += (reasons.empty() ? "" : ", ") + std::to_string(count) + " " + reason;
  }
  std::printf("renderings: %lld made, %lld not made%s\n", static_cast<long long>(report.rendered),
              static_cast<long long>(missing),
              reasons.empty() ? "" : (" (" + reasons + ")").c_str());
}

Result<std::unique_ptr<exporting::ExportDestination>> OpenDestination(
    const ExportOptions& options, const Settings& settings,
    const std::vector<exporting::SelectedInstance>& instances) {
  if (options.to) {
    StoreAssociationOptions association;
    association.calling_aet = settings.network.aet;
    association.max_pdu = settings.network.max_pdu;
    association.acse_timeout_seconds = settings.network.acse_timeout_seconds;
    association.dimse_timeout_seconds = settings.network.dimse_timeout_seconds;
    const auto temp = std::filesystem::temp_directory_path() /
                      ("pixeldex-export-" + std::to_string(::getpid()) + ".dcm");
    return std::unique_ptr<exporting::ExportDestination>(std::make_unique<StoreDestination>(
        *options.to, association, instances, temp.string()));
  }
  if (!options.zip.empty()) {
    auto zip = exporting::ZipDestination::Create(options.zip);
    if (!zip.ok()) return zip.status();
    return std::unique_ptr<exporting::ExportDestination>(std::move(zip).value());
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) return Status::FromErrno(ec.value(), "cannot create " + options.out);
  return std::unique_ptr<exporting::ExportDestination>(
      std::make_unique<exporting::FolderDestination>(options.out));
}

}  // namespace

int RunExport(int argc, char** argv) {
  ArgParser parser(
      "pixeldex export (--where EXPR | UID...)\n"
      "       (--out DIR [--dicomdir] | --zip FILE | --to AET=HOST:PORT)\n"
      "       [--layout storage|tree] [--render png|jpeg[:SIZE]]\n"
      "       [--deidentify --project-key KEY [--mapping FILE] [--retain-...]]",
      kExportDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  ExportOptions options;
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
  parser.Option("--zip", "FILE", "write a zip archive of the export instead of a folder",
                [&](const std::string& v) {
                  options.zip = v;
                  return v.empty() ? Status::InvalidArgument("--zip needs a file name")
                                   : Status::Ok();
                });
  parser.Option("--to", "AET=HOST:PORT", "send the instances by C-STORE to that AE",
                [&](const std::string& v) -> Status {
                  auto parsed = ParseMoveDestinations(v);
                  if (!parsed.ok()) return parsed.status();
                  if (parsed->size() != 1) return Status::InvalidArgument("--to takes one AE");
                  if (parsed->front().tls) {
                    return Status::Unsupported("--to tls://... is not supported yet");
                  }
                  options.to = parsed->front();
                  return Status::Ok();
                });
  parser.Option("--layout", "LAYOUT", "storage (default) or tree", [&](const std::string& v) {
    auto layout = exporting::ParseExportLayout(v);
    if (!layout.ok()) return layout.status();
    options.layout = *layout;
    options.layout_given = true;
    return Status::Ok();
  });

  AddFlag(parser, "--dicomdir",
          "write a DICOMDIR (STD-GEN-CD) in DIR, files named DICOM/Pxxxxxxx/Sxxxxxxx/Rxxxxxxx/"
          "Ixxxxxxx",
          &options.dicomdir);
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
  AddFlag(parser, "--clean-descriptors",
          "Clean Descriptors Option: descriptions and comments kept without the names, IDs "
          "and dates of the data set",
          &options.profile.clean_descriptors);
  parser.Option("--render", "png|jpeg[:SIZE]",
                "a rendering of frame 1 beside each instance, SIZE pixels on its longest side "
                "(default 256), listed in the manifest's rendering_path",
                [&](const std::string& v) -> Status {
                  auto render = exporting::ParseRenderingOptions(v);
                  if (!render.ok()) return render.status();
                  options.render = *render;
                  return Status::Ok();
                });
  AddFlag(parser, "--include-burned-in", "export instances that may have burned-in text too",
          &options.include_burned_in);

  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, argv, "export", kExportEpilogue,
      [&](const std::vector<std::string>& uids) { return CheckExportUsage(options, uids); });
  if (!command_line.settings) return command_line.exit_code;
  const Settings& settings = *command_line.settings;

  auto selection =
      exporting::SelectFromIndex(settings.storage.index, options.where, command_line.positional);
  if (!selection.ok()) return ReportFailure("export", selection.status());

  // DCMTK's own log (a line per DICOMDIR file, its warnings) only when
  // debugging: what fails is listed by the export itself.
  ConfigureBatchLog(settings);
  auto destination = OpenDestination(options, settings, selection->instances);
  if (!destination.ok()) return ReportFailure("export", destination.status());
  const storage::StorageLayout layout(settings.storage.root);
  exporting::CopyingWriter copying;
  const deidentify::KeyedPseudonyms keys(options.project_key);
  deidentify::PseudonymMapping mapping;
  deidentify::DeidentifyingWriter deidentifying(keys, options.profile, options.include_burned_in,
                                                mapping);
  exporting::InstanceWriter& writer =
      options.deidentify ? static_cast<exporting::InstanceWriter&>(deidentifying) : copying;
  if (options.dicomdir) options.layout = exporting::ExportLayout::kFileSet;
  exporting::Exporter exporter(
      **destination, options.layout, writer,
      [&](const exporting::SelectedInstance& instance) {
        return layout.FileOf(instance.Text("path")).string();
      },
      options.render);
  exporting::ExportProgress progress;
  std::optional<import::ProgressPrinter> printer;
  if (::isatty(STDERR_FILENO)) {  // a progress line on a terminal only
    printer.emplace(
        stderr,
        [&progress, total = selection->instances.size()] {
          return "pixeldex export: " + exporting::FormatExportProgress(progress, total);
        },
        std::chrono::milliseconds(250));
  }
  exporting::ExportReport report = exporter.Run(selection->instances, &progress);
  if (printer) printer->Stop();
  if (options.dicomdir) {
    std::vector<std::string> refused;
    const Status written = exporting::WriteDicomDir(options.out, report.files, &refused);
    if (!written.ok()) report.failed.push_back("DICOMDIR: " + written.message());
    for (const std::string& line : refused) report.failed.push_back("not in the DICOMDIR: " + line);
  }
  if (!options.mapping.empty()) {
    const Status written = mapping.WriteTo(options.mapping);
    if (!written.ok()) report.failed.push_back("mapping: " + written.message());
  }
  PrintReport(report, *selection);
  if (options.render) PrintRenderings(report);
  return report.failed.empty() && selection->unmatched_uids.empty() ? 0 : 1;
}

}  // namespace pixeldex::server

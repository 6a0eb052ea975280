#pragma once
// What the subcommands that write an archive beside a running server share
// (`import`, `reindex`, `delete`, `protect`, `recycle`, `reconcile`): the
// archive opened beside the server (catalog_archive.h); the command line of
// those that walk it with reconcile::Reconcile; their logging; and
// SIGINT/SIGTERM as a cancel flag.

#include <atomic>
#include <memory>
#include <string>

#include "catalog/reconcile/reconciler.h"
#include "server/catalog_archive.h"
#include "server/cli/arg_parser.h"
#include "server/cli/command_line.h"
#include "server/cli/settings_options.h"
#include "server/config/settings.h"

namespace pixeldex::server {

// Opens the archive beside a running server (CatalogArchive::Role::kBeside),
// or another node's part of it (kTakeOver, `node`). Logs the reason and
// returns nullptr when that fails.
std::unique_ptr<CatalogArchive> OpenWritableArchive(
    const Settings& settings, CatalogArchive::Role role = CatalogArchive::Role::kBeside,
    const std::string& node = {});

// --jobs N for the walk of reconcile::Reconcile (`reindex`, `reconcile`):
// its worker threads, into options->jobs.
void AddReconcileJobsOption(ArgParser& parser, reconcile::ReconcileOptions* options);

// The command line of a subcommand that walks the archive with
// reconcile::Reconcile (`reindex`, `reconcile`): a parser with the settings'
// options (SettingsOptions), and the walk's options, which the command sets
// and its own options on `parser` change. Parse adds --jobs after those
// (AddReconcileJobsOption), parses (ParseCommandLine) and, when the command
// is to run, configures its log (ConfigureBatchLog). Not copyable: the
// parser's options point into it.
struct ReconcileCommandLine {
  ReconcileCommandLine(std::string usage, std::string description);
  ReconcileCommandLine(const ReconcileCommandLine&) = delete;
  ReconcileCommandLine& operator=(const ReconcileCommandLine&) = delete;

  ParsedCommandLine Parse(int argc, char** argv, const std::string& name,
                          const std::string& epilogue,
                          const PositionalCheck& check = NoPositionalArguments);

  ArgParser parser;
  SettingsOptions settings_options;
  reconcile::ReconcileOptions options;
};

// DCMTK's own log only when debugging (unreadable files are reported by the
// command, DCMTK's complaints would be noise); SettingsOptions::Resolve has
// already configured pixeldex's log.
void ConfigureBatchLog(const Settings& settings);

// Installs SIGINT and SIGTERM handlers that set the returned flag (and
// nothing else), for work that stops between files.
const std::atomic<bool>* CancelOnSignals();

}  // namespace pixeldex::server

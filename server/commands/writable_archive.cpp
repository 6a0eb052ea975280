#include "server/commands/writable_archive.h"

#include <dcmtk/oflog/oflog.h>
#include <signal.h>

#include "catalog/common/log.h"
#include "catalog/index/postgres/pg_uri.h"
#include "server/cli/command_line.h"

namespace pixeldex::server {
namespace {

std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");

void OnSignal(int) { g_cancel.store(true); }

}  // namespace

std::unique_ptr<CatalogArchive> OpenWritableArchive(const Settings& settings,
                                                    CatalogArchive::Role role,
                                                    const std::string& node) {
  auto archive = CatalogArchive::Open(settings, role, node);
  if (!archive.ok()) {
    LogError("cannot open the archive (storage {}, index {}): {}", settings.storage.root,
             index::postgres::RedactUri(settings.storage.index), archive.status().ToString());
    return nullptr;
  }
  return std::move(archive).value();
}

void AddReconcileJobsOption(ArgParser& parser, reconcile::ReconcileOptions* options) {
  parser.Option("--jobs", "N",
                fmt::format("worker threads (default: {} per hardware thread, at most 64)",
                            reconcile::kJobsPerHardwareThread),
                [options](const std::string& v) { return ParseJobs(v, &options->jobs); });
}

ReconcileCommandLine::ReconcileCommandLine(std::string usage, std::string description)
    : parser(std::move(usage), std::move(description)) {
  settings_options.AddTo(parser);
}

ParsedCommandLine ReconcileCommandLine::Parse(int argc, char** argv, const std::string& name,
                                              const std::string& epilogue,
                                              const PositionalCheck& check) {
  AddReconcileJobsOption(parser, &options);
  ParsedCommandLine command_line =
      ParseCommandLine(parser, settings_options, argc, argv, name, epilogue, check);
  if (command_line.settings) ConfigureBatchLog(*command_line.settings);
  return command_line;
}

void ConfigureBatchLog(const Settings& settings) {
  OFLog::configure(settings.log.level == LogLevel::kDebug ? OFLogger::INFO_LOG_LEVEL
                                                          : OFLogger::FATAL_LOG_LEVEL);
}

const std::atomic<bool>* CancelOnSignals() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return &g_cancel;
}

}  // namespace pixeldex::server

// `pixeldex reconcile --node NODE`: take over the in-flight files a node of a
// shared archive left in its incoming directory, when that node will not
// start again (catalog/reconcile, catalog/index/postgres/pg_node_lock.h).

#include <cstdio>
#include <filesystem>

#include "catalog/common/log.h"
#include "catalog/reconcile/in_flight_journal.h"
#include "catalog/reconcile/reconciler.h"
#include "server/cli/command_line.h"
#include "server/commands/commands.h"
#include "server/commands/writable_archive.h"

namespace pixeldex::server {
namespace {

constexpr const char* kReconcileNodeDescription =
    "On a PostgreSQL index shared by several nodes, each node receives into\n"
    ".incoming/<its host name>/ below the storage root and reconciles only that\n"
    "directory when it starts. A node that never starts again (a retired or replaced\n"
    "machine) leaves its in-flight files there: files committed into the layout whose\n"
    "rows may not be written, and half-received ones. This command does for NODE what\n"
    "NODE's own start would have done, from any machine that mounts the root: it\n"
    "catalogs the files NODE's in-flight journal names (or walks the whole tree, leaving\n"
    "other nodes' in-flight files alone, when NODE went down while serving: its journal\n"
    "may then be incomplete), removes its half-received files and its serving marks,\n"
    "and removes the directory once it is empty.\n"
    "\n"
    "It refuses while NODE is alive: every process that receives into a node's\n"
    "directory (serve, import, reindex) holds that node's lock in PostgreSQL for as\n"
    "long as it runs, which PostgreSQL releases when the process or its machine dies;\n"
    "this command proceeds only if it gets the lock at once, and holds it until it is\n"
    "done, so NODE cannot start meanwhile (its start waits). Take over a node only once\n"
    "its machine is down for good: a node cut off from the database only looks gone.\n"
    "See README, \"Several nodes, one archive\".";

constexpr const char* kReconcileNodeEpilogue =
    "\noutput:\n"
    "  stdout: the in-flight files found, what was cataloged, corrupt, left\n"
    "  uncataloged and failed, and whether the tree was walked.\n"
    "\n"
    "exit status:\n"
    "  0  NODE's in-flight files are cataloged and its directory cleaned\n"
    "  1  NODE is alive, some files failed or are corrupt, or the archive could not\n"
    "     be opened (e.g. a SQLite index, which has one node)\n"
    "  2  usage error\n"
    "\n"
    "examples:\n"
    "  pixeldex reconcile --config /etc/pixeldex.conf --node dicom-node-3\n";

int ReconcileNode(const Settings& settings, const std::string& node,
                  const reconcile::ReconcileOptions& options) {
  auto archive = OpenWritableArchive(settings, CatalogArchive::Role::kTakeOver, node);
  if (archive == nullptr) return 1;
  storage::FileStore& store = archive->store();
  auto report = reconcile::Reconcile(archive->pipeline(), store, archive->writer(),
                                     settings.storage.index, options);
  if (!report.ok()) {
    LogError("reconciling node {} failed: {}", node, report.status().ToString());
    return 1;
  }
  reconcile::LogReport(*report, "the takeover of node " + store.layout().node());
  // The node serves nothing: no mark of it stays.
  const Status unmarked = reconcile::MarkStopped(store.file_system(), store.layout());
  if (!unmarked.ok()) LogWarning("cannot remove the serving marks: {}", unmarked.ToString());
  std::error_code ec;
  const bool removed = std::filesystem::remove(store.layout().IncomingDir(), ec);  // once empty
  const import::ImportCounts& c = report->cataloged.counts;
  const int64_t failed = c.Of(import::FileResult::kFailed);
  const int64_t corrupt = c.Of(import::FileResult::kCorrupt);
  std::printf(
      "pixeldex reconcile: node %s: %lld in-flight file(s); %lld cataloged, %lld corrupt, %lld "
      "left uncataloged, %lld failed; %s; %s\n",
      store.layout().node().c_str(), static_cast<long long>(report->journal_entries),
      static_cast<long long>(c.Of(import::FileResult::kImported) +
                             c.Of(import::FileResult::kReplaced) +
                             c.Of(import::FileResult::kRebuilt)),
      static_cast<long long>(corrupt),
      static_cast<long long>(c.Of(import::FileResult::kNotDicom) +
                             c.Of(import::FileResult::kNotInstance) +
                             c.Of(import::FileResult::kDuplicateKept)),
      static_cast<long long>(failed),
      report->walked ? "the tree was walked" : "from its journal, without a walk",
      removed ? "its directory is removed" : "its directory stays (files left in it)");
  std::fflush(stdout);
  return failed + corrupt > 0 ? 1 : 0;
}

}  // namespace

int RunReconcile(int argc, char** argv) {
  ReconcileCommandLine command("pixeldex reconcile --node NODE [options]",
                               kReconcileNodeDescription);
  command.options.use_journal = true;
  command.options.shared_archive = true;
  std::string node;
  command.parser.Option("--node", "NODE",
                        "the node (its host name) whose in-flight files to take over",
                        [&](const std::string& v) {
                          node = v;
                          return Status::Ok();
                        });
  ParsedCommandLine command_line =
      command.Parse(argc, argv, "reconcile", kReconcileNodeEpilogue,
                    [&](const std::vector<std::string>& positional) {
                      if (node.empty()) return Status::InvalidArgument("--node NODE is required");
                      return NoPositionalArguments(positional);
                    });
  if (!command_line.settings) return command_line.exit_code;
  return ReconcileNode(*command_line.settings, node, command.options);
}

}  // namespace pixeldex::server

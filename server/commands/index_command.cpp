// `pixeldex index copy`: the whole index from a SQLite file to a PostgreSQL
// database or back (catalog/index/copy/index_copy.h); `pixeldex index
// grant-reader`: the analysts' read-only role on a PostgreSQL index
// (catalog/index/postgres/pg_read_only_role.h). Need no settings: the index
// is named on the command line.

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/index/copy/index_copy.h"
#include "catalog/index/postgres/pg_read_only_role.h"
#include "catalog/index/postgres/pg_schema.h"
#include "catalog/index/postgres/pg_uri.h"
#include "server/cli/arg_parser.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr char kCopyDescription[] =
    R"(Copy the whole index from SRC to DST. Each is a SQLite index file (a path) or a
PostgreSQL database (postgresql://USER@HOST:PORT/DB; a password comes from
PGPASSWORD, PGPASSFILE or ~/.pgpass, or the URI, and is never printed).

DST's schema is created or migrated first. Then every table (patients,
studies, series, instances, headers, thumbnails, associations, events,
protected_studies) is read from one snapshot of SRC and written to DST in
batches inside one transaction, keys as they are: headers become jsonb in
PostgreSQL and text in SQLite, thumbnails bytea and BLOB. Either everything is
copied or nothing. The storage tree is not touched: the copy's rows point to
the same files. A DST that holds rows is refused unless --replace is given.
Stop writers of SRC (pixeldex serve, import) for a copy that is complete.
See README, "Copying an index between SQLite and PostgreSQL".

Exit status: 0 copied; 1 failed (nothing copied; the reason on stderr);
2 bad usage.

Examples:
  pixeldex index copy --from var/index.db --to postgresql://pixeldex@db.example:5432/pixeldex
  pixeldex index copy --from postgresql://pixeldex@db.example/pixeldex --to restored.db)";

Status ParseBatch(const std::string& text, int* rows) {
  try {
    size_t end = 0;
    const int value = std::stoi(text, &end);
    if (end == text.size() && value >= 1 && value <= 100000) {
      *rows = value;
      return Status::Ok();
    }
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("--batch: expected a number from 1 to 100000");
}

// Never prints a password: a URI is shown redacted, a path as it is.
std::string Shown(const std::string& address) {
  return index::postgres::IsPostgresUri(address) ? index::postgres::RedactUri(address) : address;
}

int RunIndexCopy(int argc, char** argv) {
  ArgParser parser("pixeldex index copy --from SRC --to DST [--replace] [--batch N]",
                   kCopyDescription);
  std::string from, to;
  index::copy::CopyOptions options;
  parser.Option("--from", "SRC", "the index to copy: a file path or a postgresql:// URI",
                [&](const std::string& v) {
                  from = v;
                  return Status::Ok();
                });
  parser.Option("--to", "DST", "the index to write: a file path or a postgresql:// URI",
                [&](const std::string& v) {
                  to = v;
                  return Status::Ok();
                });
  parser.Flag("--replace", "empty DST first if it holds rows (in the same transaction)", [&] {
    options.replace = true;
    return Status::Ok();
  });
  parser.Option("--batch", "N", "rows read and written at a time (default 1000)",
                [&](const std::string& v) { return ParseBatch(v, &options.batch_rows); });
  std::vector<std::string> positional;
  bool help = false;
  // argv[2] is "copy", or --help when `pixeldex index --help` asks for this page.
  const int first = std::string_view(argv[2]) == "copy" ? 3 : 2;
  Status parsed = parser.Parse(argc, argv, first, &positional, &help);
  if (help) {
    std::printf("%s", parser.Help().c_str());
    return 0;
  }
  if (parsed.ok() && !positional.empty()) parsed = Status::InvalidArgument("takes no arguments");
  if (parsed.ok() && (from.empty() || to.empty())) {
    parsed = Status::InvalidArgument("--from and --to are required");
  }
  if (!parsed.ok()) {
    std::fprintf(stderr, "pixeldex index copy: %s\n(see pixeldex index copy --help)\n",
                 parsed.message().c_str());
    return 2;
  }
  std::printf("pixeldex index copy: %s -> %s\n", Shown(from).c_str(), Shown(to).c_str());
  auto table_start = std::chrono::steady_clock::now();
  options.on_table = [&](const std::string& table, int64_t rows) {
    const auto now = std::chrono::steady_clock::now();
    std::printf("  %-18s %10lld rows %8.2f s\n", table.c_str(), static_cast<long long>(rows),
                std::chrono::duration<double>(now - table_start).count());
    std::fflush(stdout);
    table_start = now;
  };
  auto report = index::copy::CopyIndex(from, to, options);
  if (!report.ok()) {
    std::fprintf(stderr, "pixeldex index copy: %s; nothing copied\n",
                 report.status().ToString().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(report->elapsed).count();
  std::printf("pixeldex index copy: %lld rows in %.2f s (%.0f rows/s)\n",
              static_cast<long long>(report->rows), seconds,
              seconds > 0 ? static_cast<double>(report->rows) / seconds : 0.0);
  return 0;
}

constexpr char kGrantReaderDescription[] =
    R"(Give ROLE (default pixeldex_reader) read-only access to the PostgreSQL index
named by --index URI: USAGE on its schema, CONNECT on its database, SELECT on
every table and view, and SELECT on the tables later migrations add (default
privileges of the tables' owner). ROLE is created when it does not exist, as a
NOLOGIN group role: analysts log in as roles of their own that are members of
it (CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE pixeldex_reader), so that no
password ever passes through pixeldex's command line. An existing ROLE keeps
its attributes (a LOGIN role may be granted directly). The schema is created or
migrated first. Running it again changes nothing. Run it as a role that may
create roles and owns the index's tables (the one pixeldex serve connects as),
or a superuser. Nothing is granted beyond reading: INSERT, UPDATE, DELETE and
DDL stay refused by PostgreSQL (permission denied), even outside pixeldex query.
See README, "PostgreSQL".

Exit status: 0 granted; 1 failed (the reason on stderr); 2 bad usage.

Example:
  pixeldex index grant-reader --index postgresql://pixeldex@db.example/pixeldex)";

int RunIndexGrantReader(int argc, char** argv) {
  ArgParser parser("pixeldex index grant-reader --index URI [ROLE]", kGrantReaderDescription);
  std::string uri;
  parser.Option("--index", "URI", "the PostgreSQL index: postgresql://USER@HOST:PORT/DB",
                [&](const std::string& v) {
                  uri = v;
                  return Status::Ok();
                });
  std::vector<std::string> positional;
  bool help = false;
  Status parsed = parser.Parse(argc, argv, 3, &positional, &help);
  if (help) {
    std::printf("%s", parser.Help().c_str());
    return 0;
  }
  if (parsed.ok() && positional.size() > 1) parsed = Status::InvalidArgument("one ROLE at most");
  if (parsed.ok() && !index::postgres::IsPostgresUri(uri)) {
    parsed = Status::InvalidArgument("--index must name a PostgreSQL index (postgresql://...)");
  }
  if (parsed.ok() && !positional.empty() && positional[0].empty()) {
    parsed = Status::InvalidArgument("ROLE is empty");
  }
  if (!parsed.ok()) {
    std::fprintf(stderr, "pixeldex index grant-reader: %s\n(see pixeldex index grant-reader --help)\n",
                 parsed.message().c_str());
    return 2;
  }
  const std::string role =
      positional.empty() ? std::string(index::postgres::kReadOnlyRole) : positional[0];
  auto conn = index::postgres::PgConnection::Open(uri);
  Status status = conn.ok() ? index::postgres::MigratePostgresSchema(*conn) : conn.status();
  if (status.ok()) status = index::postgres::CreateReadOnlyRole(*conn, role);
  if (!status.ok()) {
    std::fprintf(stderr, "pixeldex index grant-reader: %s: %s\n",
                 index::postgres::RedactUri(uri).c_str(), status.ToString().c_str());
    return 1;
  }
  std::printf("pixeldex index grant-reader: %s may read %s (and nothing else)\n", role.c_str(),
              index::postgres::RedactUri(uri).c_str());
  return 0;
}

}  // namespace

// `index` has two subcommands, `copy` and `grant-reader`; `pixeldex index
// --help` is copy's page.
int RunIndex(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub == "copy" || sub == "--help" || sub == "-h") return RunIndexCopy(argc, argv);
  if (sub == "grant-reader") return RunIndexGrantReader(argc, argv);
  std::fprintf(stderr,
               "pixeldex index: %s (the subcommands are 'copy' and 'grant-reader'; see pixeldex "
               "index --help)\n",
               sub.empty() ? "which subcommand?" : ("unknown subcommand '" + sub + "'").c_str());
  return 2;
}

}  // namespace pixeldex::server

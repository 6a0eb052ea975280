// pixeldex query: read-only SQL over the index, for analysts and scripts.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "catalog/index/postgres/pg_uri.h"
#include "catalog/index/postgres/pg_user_query.h"
#include "catalog/index/result_formatter.h"
#include "catalog/index/sql_query.h"
#include "server/cli/command_line.h"
#include "server/cli/settings_options.h"
#include "server/commands/commands.h"

namespace pixeldex::server {
namespace {

constexpr const char* kQueryDescription =
    "Run one SQL statement over the index and print its result. The index is opened\n"
    "read-only (SQLITE_OPEN_READONLY, PRAGMA query_only, and an authorizer that allows\n"
    "only reads): INSERT, UPDATE, DELETE, CREATE, DROP, ATTACH, DETACH, transactions\n"
    "and PRAGMAs that set a value are refused with 'refused: pixeldex query is\n"
    "read-only'. Read PRAGMAs such as table_info, index_list and user_version work.\n"
    "It is safe to run while `pixeldex serve` ingests: readers never block the\n"
    "writer (WAL), and a query waits for a busy writer instead of failing.\n"
    "\n"
    "On a PostgreSQL index (--index postgresql://USER@HOST:PORT/DB) the statement runs\n"
    "in a read-only transaction (BEGIN READ ONLY), one statement only: writes are\n"
    "refused with the same message; the SQL is PostgreSQL's (json, not json_extract;\n"
    "no PRAGMAs). For analysts, log in as a member of the role pixeldex_reader\n"
    "(README, \"The index\"). Integers, booleans (0/1), reals and bytea print as on\n"
    "SQLite; other types as their text. Rows print as they arrive, as on SQLite.\n"
    "\n"
    "The index path comes from --index, else storage.index of --config, else\n"
    "./var/index.db. SQL is one statement; '-' reads it from standard input.\n"
    "Tables: patients, studies, series, instances, headers (DICOM JSON), thumbnails,\n"
    "associations, events, dicom_dictionary. Views: instance_details, study_summary,\n"
    "series_summary, tags, thumbnail_images. See README, \"The index\".\n"
    "\n"
    "Formats:\n"
    "  table  aligned columns, a header and a row count (default); NULL is empty,\n"
    "         BLOBs show as <blob N bytes>\n"
    "  csv    a header line, then RFC 4180 rows; NULL is an empty field, '' is \"\"\n"
    "  json   an array of objects, one per row; BLOBs as base64 strings\n"
    "  jsonl  one JSON object per line (JSON Lines)\n"
    "\n"
    "Exit status: 0 success; 1 the query failed (SQL error, refused, index not\n"
    "readable); 2 bad usage.";

constexpr const char* kExamples =
    "\nexamples:\n"
    "  pixeldex query --index var/index.db \\\n"
    "      \"SELECT body_part_examined, count(*) FROM series WHERE modality = 'CT' GROUP BY 1\"\n"
    "  pixeldex query --config /etc/pixeldex.conf --format csv --output studies.csv \\\n"
    "      \"SELECT * FROM study_summary ORDER BY study_date\"\n"
    "  pixeldex query --format jsonl \\\n"
    "      \"SELECT sop_instance_uid, value FROM tags WHERE keyword = 'SliceThickness' AND value < 1\"\n"
    "  pixeldex query \"SELECT at, kind, calling_aet, detail FROM events WHERE kind = 'store_failed'\"\n"
    "  pixeldex query \"PRAGMA table_info(instances)\"\n"
    "  pixeldex query - < report.sql\n"
    "  pixeldex query --index postgresql://alice@db.example:5432/pixeldex \\\n"
    "      \"SELECT modality, count(*) FROM series GROUP BY 1\"\n";

struct QueryOptions {
  index::OutputFormat format = index::OutputFormat::kTable;
  std::string output;
};

// Writes to a sibling temp file renamed over `path` on Commit, so that a failed
// query never leaves a truncated file behind.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)), temp_(path_ + ".partial") {
    stream_.open(temp_, std::ios::binary | std::ios::trunc);
  }
  ~OutputFile() {
    if (!committed_) std::filesystem::remove(temp_, ignored_);
  }
  bool ok() const { return stream_.is_open(); }
  std::ostream& stream() { return stream_; }
  Status Commit() {
    stream_.close();
    if (stream_.fail()) return Status::IoError("cannot write " + temp_);
    std::filesystem::rename(temp_, path_, ignored_);
    if (ignored_) return Status::IoError("cannot rename " + temp_ + " to " + path_);
    committed_ = true;
    return Status::Ok();
  }

 private:
  std::string path_, temp_;
  std::ofstream stream_;
  std::error_code ignored_;
  bool committed_ = false;
};

// The statement on the SQLite file or, for a postgresql:// URI, PostgreSQL.
Status RunOnIndex(const std::string& index, const std::string& sql, index::RowSink& sink) {
  if (index::postgres::IsPostgresUri(index)) {
    return index::postgres::RunPgUserQuery(index, sql, sink);
  }
  auto query = index::ReadOnlyQuery::Open(index);
  if (!query.ok()) return query.status();
  return query->Run(sql, sink);
}

}  // namespace

int RunQuery(int argc, char** argv) {
  ArgParser parser("pixeldex query [--config FILE | --index FILE|URI] [--format FORMAT] "
                   "[--output FILE] \"SQL\"",
                   kQueryDescription);
  SettingsOptions settings_options;
  settings_options.AddTo(parser);
  QueryOptions options;
  parser.Option("--format", "FORMAT", "table (default), csv, json or jsonl",
                [&](const std::string& v) {
                  auto format = index::ParseOutputFormat(v);
                  if (!format.ok()) return format.status();
                  options.format = *format;
                  return Status::Ok();
                });
  parser.Option("--output", "FILE", "write the result to FILE instead of standard output",
                [&](const std::string& v) {
                  options.output = v;
                  return Status::Ok();
                });

  ParsedCommandLine command_line = ParseCommandLine(
      parser, settings_options, argc, argv, "query", kExamples,
      [](const std::vector<std::string>& positional) {
        if (positional.size() == 1) return Status::Ok();
        return Status::InvalidArgument(positional.empty() ? "missing the SQL statement"
                                                          : "expected one SQL argument; quote it");
      });
  if (!command_line.settings) return command_line.exit_code;
  const std::optional<Settings>& settings = command_line.settings;
  std::string sql = command_line.positional.front();
  if (sql == "-") {
    sql.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }

  std::unique_ptr<OutputFile> file;
  if (!options.output.empty()) {
    file = std::make_unique<OutputFile>(options.output);
    if (!file->ok())
      return ReportFailure("query", Status::IoError("cannot create " + options.output));
  }
  std::ostream& out = file ? file->stream() : std::cout;
  auto sink = index::MakeResultFormatter(options.format, out);
  Status status = RunOnIndex(settings->storage.index, sql, *sink);
  if (status.ok() && file) status = file->Commit();
  if (!status.ok()) return ReportFailure("query", status);
  return 0;
}

}  // namespace pixeldex::server

#include "catalog/index/copy/index_copy.h"

#include <memory>

#include "catalog/index/copy/pg_copy_endpoint.h"
#include "catalog/index/copy/sqlite_copy_endpoint.h"
#include "catalog/index/postgres/pg_uri.h"

namespace pixeldex::index::copy {
namespace {

// Parents before children: the foreign keys of each table point to tables
// before it.
constexpr CopyTable kTables[] = {
    {"patients", "patient_pk"},
    {"studies", "study_pk"},
    {"series", "series_pk"},
    {"instances", "instance_pk"},
    {"headers", "instance_pk"},
    {"thumbnails", "instance_pk"},
    {"associations", "association_pk"},
    {"events", "event_pk"},
    {"protected_studies", "study_instance_uid"},
};

Result<std::unique_ptr<IndexEndpoint>> Open(const std::string& address, EndpointRole role) {
  auto endpoint = postgres::IsPostgresUri(address) ? OpenPostgresEndpoint(address)
                                                   : OpenSqliteEndpoint(address, role);
  if (!endpoint.ok()) return endpoint.status();
  Status prepared = role == EndpointRole::kSource ? (*endpoint)->PrepareSource()
                                                  : (*endpoint)->PrepareDestination();
  if (!prepared.ok()) return prepared;
  return endpoint;
}

// Refuses a destination with rows, or empties it when told to.
Status EnsureEmpty(IndexEndpoint& to, const CopyOptions& options) {
  std::string held;
  for (const CopyTable& table : kTables) {
    auto rows = to.CountRows(table);
    if (!rows.ok()) return rows.status();
    if (*rows > 0) held += (held.empty() ? "" : ", ") + std::to_string(*rows) + " " + table.name;
  }
  if (held.empty()) return Status::Ok();
  if (!options.replace) {
    return Status::AlreadyExists(to.name() + " is not empty (" + held +
                                 "); --replace empties it first");
  }
  return to.Empty({std::begin(kTables), std::end(kTables)});
}

Status CopyTableRows(IndexEndpoint& from, IndexEndpoint& to, const CopyTable& table,
                     const CopyOptions& options, CopyReport& report) {
  auto columns = from.Columns(table);
  if (!columns.ok()) return columns.status();
  int64_t copied = 0;
  PIXELDEX_RETURN_IF_ERROR(to.StartTable(table));
  PIXELDEX_RETURN_IF_ERROR(
      from.ReadRows(table, *columns, options.batch_rows, [&](std::vector<CopyRow>& rows) {
        copied += static_cast<int64_t>(rows.size());
        return to.WriteRows(table, *columns, rows);
      }));
  PIXELDEX_RETURN_IF_ERROR(to.FinishTable(table));
  auto there = to.CountRows(table);
  if (!there.ok()) return there.status();
  if (*there != copied) {
    return Status::Internal(std::string(table.name) + ": " + std::to_string(copied) +
                            " rows copied but " + std::to_string(*there) + " there");
  }
  report.tables.emplace_back(table.name, copied);
  report.rows += copied;
  if (options.on_table) options.on_table(table.name, copied);
  return Status::Ok();
}

}  // namespace

std::string QuoteName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::span<const CopyTable> CopiedTables() { return kTables; }

Result<CopyReport> CopyIndex(const std::string& from, const std::string& to,
                             const CopyOptions& options) {
  if (from == to) return Status::InvalidArgument("--from and --to are the same index");
  auto source = Open(from, EndpointRole::kSource);
  if (!source.ok()) return source.status();
  auto destination = Open(to, EndpointRole::kDestination);
  if (!destination.ok()) return destination.status();
  const auto start = std::chrono::steady_clock::now();
  CopyReport report;
  Status status = (*destination)->WriteTransaction([&] {
    PIXELDEX_RETURN_IF_ERROR(EnsureEmpty(**destination, options));
    return (*source)->ReadSnapshot([&] {
      for (const CopyTable& table : kTables) {
        PIXELDEX_RETURN_IF_ERROR(CopyTableRows(**source, **destination, table, options, report));
      }
      return Status::Ok();
    });
  });
  if (!status.ok()) return status;
  report.elapsed = std::chrono::steady_clock::now() - start;
  return report;
}

}  // namespace pixeldex::index::copy

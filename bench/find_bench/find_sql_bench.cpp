// find_sql_bench: the C-FIND shapes of find_shapes.h run in-process through
// query::RunFind against an index built by build_find_index, without DICOM
// networking, to separate SQL/engine time from DIMSE time. For each shape it
// prints EXPLAIN QUERY PLAN (parameters bound, as the LIKE optimisation
// depends on them) and the latency of three variants:
//   fresh:  open a read-only connection per query, as the server did for
//           each association before its reader pool, then RunFind;
//   pooled: take a connection from an index::ReaderPool per query and give
//           it back, as the server does for each association now;
//   warm:   RunFind on one connection kept open (SQLite page cache warm).
// Every match is materialised as a FindMatch, as for the server.
//
// Usage: find_sql_bench --index PATH --instances N [--repeat R (1000)]
//                       [--shapes a,b,...] [--conn fresh|pooled|warm|all] [--sql]
//                       [--pragmas "PRAGMA mmap_size=...; ..."]
// --pragmas runs extra statements on every reader connection after
// index::PrepareForReading, to measure proposed reader settings (not on the
// pooled variant's connections, which the pool prepares itself).

#include <time.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/find_bench/find_shapes.h"
#include "catalog/index/reader_pool.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sql_plan.h"
#include "catalog/query/sqlite_dialect.h"

namespace {

namespace bench = pixeldex::bench;
namespace idx = pixeldex::index;
namespace query = pixeldex::query;
using Clock = std::chrono::steady_clock;

pixeldex::Result<query::FindRequest> ToRequest(const bench::ShapeQuery& q) {
  std::vector<query::QueryKey> keys;
  for (const auto& k : q.keys) keys.push_back({{k.group, k.element}, k.vr, k.value, {}});
  return query::MakeFindRequest(
      q.patient_root ? query::InformationModel::kPatientRoot : query::InformationModel::kStudyRoot,
      std::move(keys));
}

std::string g_pragmas;

pixeldex::Result<idx::Db> OpenReader(const std::string& path) {
  auto db = idx::Db::Open(path, idx::Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(idx::PrepareForReading(*db));
  if (!g_pragmas.empty()) PIXELDEX_RETURN_IF_ERROR(db->Exec(g_pragmas));
  return db;
}

std::string Explain(idx::Db& db, const query::FindRequest& request, bool with_sql) {
  auto plan = query::BuildSqlPlan(request, query::FindOptions{}, query::SqliteDialect::Instance());
  if (!plan.ok()) return plan.status().ToString();
  std::string out;
  if (with_sql) out += "    SQL: " + plan->sql + "\n";
  plan->sql = "EXPLAIN QUERY PLAN " + plan->sql;
  auto stmt = query::PrepareFind(db, *plan);
  if (!stmt.ok()) return stmt.status().ToString();
  while (stmt->Step()) out += "    " + stmt->Text(3) + "\n";
  return out;
}

double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

const char* const kVariants[] = {"fresh", "pooled", "warm"};

// Runs one query with a connection of `variant` (fresh: opened from `path`;
// pooled: from `pool`; warm: `warm`); returns its wall-clock latency in
// microseconds (and its CPU time in *cpu_us), or -1 on error.
double TimeOne(const std::string& variant, idx::Db* warm, idx::ReaderPool& pool,
               const std::string& path, const query::FindRequest& request, size_t* matches,
               double* cpu_us) {
  const double cpu_start = ThreadCpuMicros();
  const auto start = Clock::now();
  std::optional<idx::Db> fresh;
  std::optional<idx::PooledReader> pooled;
  idx::Db* db = warm;
  if (variant != "warm") {
    pixeldex::Status status;
    if (variant == "fresh") {
      auto opened = OpenReader(path);
      if (opened.ok()) fresh.emplace(std::move(*opened));
      status = opened.status();
    } else {
      auto acquired = pool.Acquire();
      if (acquired.ok()) pooled.emplace(std::move(*acquired));
      status = acquired.status();
    }
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return -1;
    }
    db = fresh ? &*fresh : &pooled->db();
  }
  size_t attributes = 0;
  auto outcome = query::RunFind(*db, request, query::FindOptions{}, [&](const auto& match) {
    attributes += match.attributes.size();
    return true;
  });
  fresh.reset();
  pooled.reset();
  const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  *cpu_us = ThreadCpuMicros() - cpu_start;
  if (!outcome.ok()) {
    std::fprintf(stderr, "%s\n", outcome.status().ToString().c_str());
    return -1;
  }
  *matches = outcome->matches;
  return us;
}

int Usage() {
  std::fprintf(stderr,
               "usage: find_sql_bench --index PATH --instances N [--repeat R] "
               "[--shapes a,b,...] [--conn fresh|pooled|warm|all] [--sql] [--pragmas SQL]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, shapes_arg, conn = "all";
  int64_t instances = 0;
  int repeat = 1000;
  bool with_sql = false;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--sql") {
      with_sql = true;
      continue;
    }
    if (a + 1 >= argc) return Usage();
    const std::string value = argv[++a];
    if (arg == "--index") path = value;
    else if (arg == "--instances") instances = std::stoll(value);
    else if (arg == "--repeat") repeat = std::stoi(value);
    else if (arg == "--shapes") shapes_arg = value;
    else if (arg == "--conn") conn = value;
    else if (arg == "--pragmas") g_pragmas = value;
    else return Usage();
  }
  if (path.empty() || instances <= 0 || repeat <= 0) return Usage();
  const bench::SyntheticArchive archive(instances);
  auto warm = OpenReader(path);
  if (!warm.ok()) {
    std::fprintf(stderr, "%s\n", warm.status().ToString().c_str());
    return 1;
  }
  idx::ReaderPool pool(path);

  std::printf("in-process RunFind, %lld instances, %d queries per shape and variant%s%s\n\n",
              static_cast<long long>(instances), repeat, g_pragmas.empty() ? "" : ", reader: ",
              g_pragmas.c_str());
  std::vector<std::string> table;
  for (bench::Shape shape : bench::ParseShapes(shapes_arg)) {
    auto first = ToRequest(bench::MakeQuery(archive, shape, 0));
    if (!first.ok()) {
      std::fprintf(stderr, "%s: %s\n", bench::ShapeName(shape), first.status().ToString().c_str());
      return 1;
    }
    std::printf("%s  e.g. %s\n%s\n", bench::ShapeName(shape),
                bench::DescribeMatchKeys(bench::MakeQuery(archive, shape, 0)).c_str(),
                Explain(*warm, *first, with_sql).c_str());
    std::vector<query::FindRequest> requests;
    for (int k = 0; k < repeat; ++k) {
      auto r = ToRequest(bench::MakeQuery(archive, shape, k));
      if (!r.ok()) return 1;
      requests.push_back(std::move(*r));
    }
    for (const std::string variant : kVariants) {
      if (conn != "all" && conn != variant) continue;
      std::vector<double> micros, cpu_micros;
      size_t total_matches = 0, empty = 0;
      for (int pass = 0; pass < 2; ++pass) {  // pass 0 warms the OS and SQLite caches
        for (int k = 0; k < repeat; ++k) {
          size_t matches = 0;
          double cpu_us = 0;
          const double us =
              TimeOne(variant, &*warm, pool, path, requests[k], &matches, &cpu_us);
          if (us < 0) return 1;
          if (pass == 0) continue;
          micros.push_back(us);
          cpu_micros.push_back(cpu_us);
          total_matches += matches;
          if (matches == 0) ++empty;
        }
      }
      const auto s = bench::Summarize(micros);
      const auto c = bench::Summarize(cpu_micros);
      char line[256];
      std::snprintf(line, sizeof(line),
                    "%-26s %-6s %9.3f %9.3f %9.3f %9.3f %9.3f %9.1f %6zu",
                    bench::ShapeName(shape), variant.c_str(), s.median_us / 1000,
                    s.p90_us / 1000, s.p99_us / 1000, c.median_us / 1000, c.p99_us / 1000,
                    static_cast<double>(total_matches) / repeat, empty);
      table.push_back(line);
    }
  }
  std::printf("%-26s %-6s %9s %9s %9s %9s %9s %9s %6s\n", "shape", "conn", "median_ms",
              "p90_ms", "p99_ms", "cpu_med", "cpu_p99", "matches", "empty");
  for (const auto& line : table) std::printf("%s\n", line.c_str());
  return 0;
}

// build_find_index: writes the deterministic synthetic archive of
// synthetic_archive.h into a new pixeldex index. By default at load speed
// (sqlite_bulk_load.h: the writer's statements, big transactions, no
// journal, secondary indexes built after the rows); with --writer through
// index::IndexWriter, the same writer the server uses (group commit,
// synchronous=FULL), many submitting threads keeping its batches full.
//
// Usage: build_find_index --out PATH [--instances N] [--transaction R]
//        build_find_index --writer --out PATH [--instances N] [--threads T] [--batch B]
//        build_find_index --copy-sql [--instances N]
// Refuses to write into an existing file (delete it first). --copy-sql
// writes the same archive to stdout instead, as a psql script of COPY rows
// for a PostgreSQL index (postgres_copy.h).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/find_bench/postgres_copy.h"
#include "bench/find_bench/sqlite_bulk_load.h"
#include "bench/find_bench/synthetic_archive.h"
#include "catalog/index/index_writer.h"

namespace {

using Clock = std::chrono::steady_clock;

int Usage() {
  std::fprintf(stderr,
               "usage: build_find_index --out PATH [--instances N (1000000)] "
               "[--transaction R (200000)]\n"
               "       build_find_index --writer --out PATH [--instances N (1000000)] "
               "[--threads T (256)] [--batch B (4096)]\n"
               "       build_find_index --copy-sql [--instances N (1000000)]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  int64_t instances = 1000000;
  int threads = 256;
  size_t batch = 4096;
  bool copy_sql = false, through_writer = false;
  pixeldex::bench::BulkLoadOptions bulk;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--copy-sql" || arg == "--writer") {
      (arg == "--writer" ? through_writer : copy_sql) = true;
      continue;
    }
    if (a + 1 >= argc) return Usage();
    const std::string value = argv[++a];
    if (arg == "--out") {
      out = value;
    } else if (arg == "--instances") {
      instances = std::stoll(value);
    } else if (arg == "--threads") {
      threads = std::stoi(value);
    } else if (arg == "--batch") {
      batch = std::stoul(value);
    } else if (arg == "--transaction") {
      bulk.transaction_rows = std::stoll(value);
    } else {
      return Usage();
    }
  }
  if (instances <= 0 || threads <= 0 || bulk.transaction_rows <= 0) return Usage();
  if (copy_sql) {
    return pixeldex::bench::WritePostgresCopy(pixeldex::bench::SyntheticArchive(instances), stdout)
               ? 0
               : 1;
  }
  if (out.empty()) return Usage();
  if (std::filesystem::exists(out)) {
    std::fprintf(stderr, "build_find_index: %s exists; delete it first\n", out.c_str());
    return 1;
  }

  const pixeldex::bench::SyntheticArchive archive(instances);
  const auto start = Clock::now();
  const auto report = [&] {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("built %s: %lld instances in %.1f s (%.0f instances/s), %.0f MB\n", out.c_str(),
                static_cast<long long>(instances), seconds, instances / seconds,
                std::filesystem::file_size(out) / 1e6);
  };
  if (!through_writer) {
    std::printf("bulk-loading %s: %lld instances, %lld studies, %lld patients, %lld per transaction\n",
                out.c_str(), static_cast<long long>(instances),
                static_cast<long long>(archive.studies()),
                static_cast<long long>(archive.patients()),
                static_cast<long long>(bulk.transaction_rows));
    std::fflush(stdout);
    const auto loaded = pixeldex::bench::BulkLoadSqlite(archive, out, bulk, stdout);
    if (!loaded.ok()) {
      std::fprintf(stderr, "build_find_index: %s\n", loaded.ToString().c_str());
      return 1;
    }
    report();
    return 0;
  }
  pixeldex::index::IndexWriterOptions options;
  options.max_batch = batch;
  auto writer = pixeldex::index::IndexWriter::Open(out, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "build_find_index: %s\n", writer.status().ToString().c_str());
    return 1;
  }
  std::printf("building %s: %lld instances, %lld studies, %lld patients, %d writer threads\n",
              out.c_str(), static_cast<long long>(instances),
              static_cast<long long>(archive.studies()),
              static_cast<long long>(archive.patients()), threads);
  std::fflush(stdout);

  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int64_t i = next++; i < instances && !failed; i = next++) {
        auto written = (*writer)->Write(archive.Record(i));
        if (!written.ok()) {
          std::fprintf(stderr, "instance %lld: %s\n", static_cast<long long>(i),
                       written.status().ToString().c_str());
          failed = true;
        }
        const int64_t n = ++done;
        if (n % 100000 == 0) {
          const double s = std::chrono::duration<double>(Clock::now() - start).count();
          std::printf("  %lld instances, %.1f s, %.0f/s\n", static_cast<long long>(n), s, n / s);
          std::fflush(stdout);
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  writer->reset();  // drains, closes (and checkpoints) the index
  if (failed) return 1;
  report();
  return 0;
}

#!/usr/bin/env bash
# Bulk import benchmark (bench/README.md "Import").
#
#   bench/import_bench.sh [--files N] [--size PIXELS] [--corpus DIR] [--build DIR]
#                         [--work DIR] [--jobs-max J]
#                         [--index postgresql://... | --postgres DIR] [--rounds R]
#
# 1. writes a corpus of N CT-like files (SIZE x SIZE x 16 bit, default 2000 of
#    512x512) with make_corpus, unless DIR already holds one;
# 2. reads it once so every run below starts from a warm page cache;
# 3. baseline: a single-threaded pass that reads each file's header with DCMTK
#    (`dcmdump -q -M +P 0010,0020` over all files, pixel data skipped);
# 4. the corpus copied into the archive's file system (cp -r, then sync -f):
#    the peer of the copying imports, measured in the same run;
# 5. `pixeldex import` into a fresh archive: --jobs 1 and --jobs J (default
#    nproc), with and without thumbnails, copying; --jobs 2J; in place, and
#    again in place (all skipped unchanged: stat + lookup); then the copying
#    import again over a copied archive (all skipped unchanged: SHA-256);
# 6. prints wall time, files/s, MB/s, CPU time and the ratios to the baseline and
#    to --jobs 1, then --jobs J's files/s over the copy's.
# With --index postgresql://USER@HOST:PORT/DB (its user owns the database,
# whose public schema is dropped and made again before each import), or
# --postgres DIR (a PostgreSQL cluster of the script's own with its data in
# DIR, bench/lib.sh bench_postgres_start), steps 4-6 become a comparison
# instead: `pixeldex import --jobs 1`, `--jobs J` and `--jobs J
# --no-thumbnails`, each into SQLite then PostgreSQL, alternating, R rounds
# (default 3); each row has the files/s of every round, the medians and
# PostgreSQL's median over SQLite's (and, with --postgres, the database
# server's CPU per file).
# Needs the project built (cmake --build DIR) and DCMTK's dcmdump.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
files=2000
size=512
build="$root/build"
corpus=""
work=""
jobs_max=$(nproc)
pg_index=""
postgres_dir=""
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --jobs-max) jobs_max=$2; shift 2 ;;
    --index) pg_index=$2; shift 2 ;;
    --postgres) postgres_dir=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
done
pixeldex="$build/pixeldex"
make_corpus="$build/bench/make_corpus"
bench_require_built "$build" "$pixeldex" "$make_corpus"
command -v dcmdump >/dev/null || { echo "dcmdump (DCMTK) not found" >&2; exit 1; }
[[ -n "$corpus" ]] || corpus="$build/bench/import-corpus-$files-$size"
[[ -n "$work" ]] || work="$build/bench/import-work"

mkdir -p "$work"
if [[ -n "$postgres_dir" ]]; then
  bench_postgres_start "$postgres_dir"
  pg_index=$pg_uri
fi
echo "== machine: $(bench_machine)," \
     "$(date -u +%Y-%m-%dT%H:%MZ), archive on $(df -T "$work" | awk 'NR==2 {print $2}')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ ! -d "$corpus" ]]; then
  echo "== writing $files files of ${size}x${size}x16 to $corpus"
  "$make_corpus" --out "$corpus" --files "$files" --size "$size"
fi
count=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
echo "== corpus: $count files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB (warming the page cache)"
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null

# timed OUT ARGS...: runs ARGS with stdout to OUT; sets wall and cpu (seconds).
timed() {
  local out=$1; shift
  local TIMEFORMAT="%R %U %S"
  { time "$@" > "$out" 2> "$out.stderr"; } 2> "$out.time"
  read -r wall user sys < "$out.time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
}

baseline_seconds=""
jobs1_seconds=""
# report LABEL SECONDS [CPU_SECONDS]: one row of the table.
report() {
  awk -v label="$1" -v s="$2" -v cpu="${3:-}" -v n="$count" -v b="$bytes" \
      -v base="$baseline_seconds" -v j1="$jobs1_seconds" 'BEGIN {
    vs_base = base == "" ? "-" : sprintf("%.2fx", base / s)
    vs_j1 = j1 == "" ? "-" : sprintf("%.2fx", j1 / s)
    cpu_text = cpu == "" ? "-" : sprintf("%.1f s", cpu)
    printf "%-40s %8.2f s %9.1f %8.1f %10s %8s %8s\n", label, s, n / s, b / 1e6 / s, cpu_text, vs_base, vs_j1
  }'
}
printf "%-40s %10s %9s %8s %10s %8s %8s\n" "run" "wall" "files/s" "MB/s" "cpu (u+s)" "vs base" "vs j1"

listing="$work/files.txt"
find "$corpus" -type f | sort > "$listing"
timed "$work/baseline.txt" xargs -a "$listing" -d '\n' dcmdump -q -M +P 0010,0020
baseline_seconds=$wall
report "baseline: dcmdump header, 1 thread" "$baseline_seconds" "$cpu"

# run_import LABEL ARGS...: a fresh archive, then one import, timed, into
# the index `import_index` (default: a SQLite file in the archive).
run_import() {
  local label=$1 index=${import_index:-$work/index.db}; shift
  rm -rf "$work"
  mkdir -p "$work"
  [[ "$index" != postgresql://* ]] || bench_postgres_empty "$index"
  timed "$work/summary.txt" "$pixeldex" import --storage "$work/storage" \
    --index "$index" "$@" "$corpus"
  grep -q "imported *$count\$" "$work/summary.txt" || { cat "$work/summary.txt"; exit 1; }
  last_seconds=$wall
  report "$label" "$wall" "$cpu"
}

if [[ -n "$pg_index" ]]; then
  # PostgreSQL's schema is made once, outside the timed runs, and emptied
  # before each (SQLite's file is made by each import, in milliseconds).
  bench_postgres_schema "$pixeldex" "$pg_index"
  declare -A files_per_s=() db_ms=()
  configs=("--jobs 1" "--jobs $jobs_max" "--jobs $jobs_max --no-thumbnails")
  for round in $(seq 1 "$rounds"); do
    for config in "${configs[@]}"; do
      for backend in sqlite postgresql; do
        import_index=""
        [[ $backend == sqlite ]] || import_index=$pg_index
        db0=""
        [[ $backend == sqlite || -z "${pg_postmaster:-}" ]] || db0=$(bench_postgres_cpu)
        # shellcheck disable=SC2086
        run_import "round $round $backend: import $config" $config
        files_per_s[$config/$backend]+=" $(awk -v n="$count" -v s="$last_seconds" 'BEGIN { printf "%.1f", n / s }')"
        if [[ -n "$db0" ]]; then
          bench_postgres_idle "$pg_index"
          db_ms[$config]+=" $(awk -v a="$db0" -v b="$(bench_postgres_cpu)" -v n="$count" \
                               'BEGIN { printf "%.2f", (b - a) * 1000 / n }')"
        fi
      done
    done
  done
  echo
  echo "== files/s per round, medians, PostgreSQL/SQLite (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for config in "${configs[@]}"; do
    # shellcheck disable=SC2086
    sq=$(bench_median ${files_per_s[$config/sqlite]}) pg=$(bench_median ${files_per_s[$config/postgresql]})
    printf '%-32s SQLite%s (median %s), PostgreSQL%s (median %s): %.2fx%s\n' "import $config" \
      "${files_per_s[$config/sqlite]}" "$sq" "${files_per_s[$config/postgresql]}" "$pg" \
      "$(echo "$pg / $sq" | bc -l)" "${db_ms[$config]:+; database CPU ms/file${db_ms[$config]}}"
  done
  rm -rf "$work"
  exit 0
fi

# The bytes alone, the peer of the copying imports in the same run: the
# corpus copied into the archive's file system by cp, then made durable by
# one syncfs (coreutils' sync -f), after a sync of what was dirty before.
# No file is parsed, hashed or fsynced on its own; cp is one thread, so an
# import with several workers can pass it where the kernel's work per file,
# not the disk, sets the pace (bench/README.md, "Against a plain copy").
sync -f "$work"
# shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
timed "$work/copy.txt" bash -c 'cp -r "$1" "$2" && sync -f "$2"' copy "$corpus" "$work/copy"
copy_seconds=$wall
report "copy: cp -r, then sync -f" "$wall" "$cpu"

run_import "import --jobs 1" --jobs 1
jobs1_seconds=$last_seconds
run_import "import --jobs $jobs_max" --jobs "$jobs_max"
jobs_max_seconds=$last_seconds
run_import "import --jobs 1 --no-thumbnails" --jobs 1 --no-thumbnails
run_import "import --jobs $jobs_max --no-thumbnails" --jobs "$jobs_max" --no-thumbnails
run_import "import --jobs $((2 * jobs_max)) (twice J)" --jobs "$((2 * jobs_max))"
run_import "import --jobs $jobs_max --in-place" --jobs "$jobs_max" --in-place
timed "$work/summary.txt" "$pixeldex" import --storage "$work/storage" --index "$work/index.db" \
  --jobs "$jobs_max" --in-place "$corpus"
grep -q "skipped unchanged *$count\$" "$work/summary.txt" || { cat "$work/summary.txt"; exit 1; }
report "re-run in place: all skipped unchanged" "$wall" "$cpu"
run_import "import --jobs $jobs_max (copy, for the re-run)" --jobs "$jobs_max"
timed "$work/summary.txt" "$pixeldex" import --storage "$work/storage" --index "$work/index.db" \
  --jobs "$jobs_max" "$corpus"
grep -q "skipped unchanged *$count\$" "$work/summary.txt" || { cat "$work/summary.txt"; exit 1; }
report "re-run: all skipped unchanged (SHA-256)" "$wall" "$cpu"
awk -v c="$copy_seconds" -v i="$jobs_max_seconds" -v j="$jobs_max" \
  'BEGIN { printf "== import --jobs %d against the copy: %.2fx its files/s\n", j, c / i }'
rm -rf "$work"

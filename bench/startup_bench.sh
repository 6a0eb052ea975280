#!/usr/bin/env bash
# Start-up benchmark (bench/README.md "Start-up").
#
#   bench/startup_bench.sh [--instances N] [--index FILE] [--files M] [--work DIR]
#                          [--build DIR] [--before BIN] [--runs R] [--archives "synthetic real"]
#
# Times `pixeldex serve` from exec to its "listening on" line (the DICOM port
# accepting associations: start-up reconciliation is over) on two archives:
#   synthetic  the C-FIND benchmark's index of N instances (build_find_index;
#              its files do not exist, so a walk checks N rows);
#   real       M real instances (make_corpus, 64x64, 9 kB) stored by
#              `pixeldex import` into DIR, so a walk stats and looks up M files.
# For each binary (BIN, e.g. a build of main without the in-flight journal,
# then this build's pixeldex) and archive: one first start (the one
# that walks and, for this build, marks the journal complete), then R clean
# restarts (SIGTERM, start again) and R starts after SIGKILL; on the real
# archive each kill lands while storescu is sending, so stores are in flight.
# Every start's reconciliation log line is printed with its time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
instances=1000000
index=""
files=20000
work=""
build="$root/build"
before=""
runs=3
archives="synthetic real"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --archives) archives=$2; shift 2 ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
  esac
done
bin="$build/bench"
bench_require_built "$build" "$build/pixeldex" "$bin/build_find_index" "$bin/make_corpus"
[[ -n "$index" ]] || index="$bin/find-index-$instances.db"
[[ -n "$work" ]] || work=$(mktemp -d)
mkdir -p "$work"

echo "== machine: $(bench_machine), $(date -u +%Y-%m-%dT%H:%MZ)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ " $archives " != *" synthetic "* ]] || bench_synthetic_index "$bin" "$index" "$instances"

# start_server BIN INDEX STORAGE LOG: starts `BIN serve` and waits for its
# "listening on" line; sets pid, port and elapsed (seconds from exec).
start_server() {
  local line t0 t1
  rm -f "$work/stdout" && mkfifo "$work/stdout"
  t0=$(date +%s.%N)
  "$1" serve --port 0 --index "$2" --storage "$3" --no-thumbnails \
    > "$work/stdout" 2> "$4" &
  pid=$!
  exec 3< "$work/stdout"
  port=""
  while IFS= read -r -t 900 line <&3; do
    if [[ "$line" =~ listening\ on\ [^:]+:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
  done
  t1=$(date +%s.%N)
  [[ -n "$port" ]] || { echo "server did not come up:" >&2; cat "$4" >&2; exit 1; }
  cat <&3 > /dev/null &
  exec 3<&-
  elapsed=$(echo "$t1 - $t0" | bc -l)
}

stop_server() { kill -TERM "$pid"; wait "$pid" || true; }
kill_server() { kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; }

# The reconciliation line of a start's log, shortened.
reconciled() { grep -o 'reconciled the archive at start-up[^"]*' "$1" | cut -c1-150 || true; }

# measure LABEL BIN INDEX STORAGE SENDS: the first start, then clean restarts
# and starts after SIGKILL; with SENDS, storescu sends those files while the
# server is killed.
measure() {
  local label=$1 binary=$2 idx=$3 storage=$4 sends=${5:-} i
  start_server "$binary" "$idx" "$storage" "$work/first.log"
  printf '%-28s first start     %8.2f s  %s\n' "$label" "$elapsed" "$(reconciled "$work/first.log")"
  for ((i = 1; i <= runs; i++)); do
    stop_server
    start_server "$binary" "$idx" "$storage" "$work/clean.log"
    printf '%-28s clean restart   %8.2f s  %s\n' "$label" "$elapsed" "$(reconciled "$work/clean.log")"
  done
  for ((i = 1; i <= runs; i++)); do
    if [[ -n "$sends" ]]; then
      touch "$work/sends.stamp"
      storescu -aec PIXELDEX +sd +r 127.0.0.1 "$port" "$sends" > /dev/null 2>&1 &
      local sender=$!
      # Kill once the first of them is in the index (stores are flowing).
      local tries=0
      while [[ -z $(find "$storage" -newer "$work/sends.stamp" -name '*.dcm' | head -1) ]] &&
            ((tries++ < 600)); do
        sleep 0.05
      done
      kill_server
      wait "$sender" 2>/dev/null || true
    else
      kill_server
    fi
    start_server "$binary" "$idx" "$storage" "$work/crash.log"
    printf '%-28s after SIGKILL   %8.2f s  %s\n' "$label" "$elapsed" "$(reconciled "$work/crash.log")"
  done
  stop_server
}

binaries=()
[[ -z "$before" ]] || binaries+=("before:$before")
binaries+=("after:$build/pixeldex")

if [[ " $archives " == *" synthetic "* ]]; then
  echo
  echo "== synthetic archive: $instances rows in $index (no files)"
  for entry in "${binaries[@]}"; do
    measure "${entry%%:*} synthetic" "${entry#*:}" "$index" "$work/synthetic-storage"
  done
fi
[[ " $archives " == *" real "* ]] || exit 0

echo
echo "== real archive: $files files of 9 kB imported into $work/real"
if [[ ! -f "$work/real.db" ]]; then
  "$bin/make_corpus" --out "$work/corpus" --files "$files" --size 64 > /dev/null
  "$build/pixeldex" import --storage "$work/real" --index "$work/real.db" --jobs 4 \
    "$work/corpus" > /dev/null
fi
for entry in "${binaries[@]}"; do
  # Fresh UIDs for each binary's sends, so that they are new instances.
  rm -rf "$work/sends" && "$bin/make_corpus" --out "$work/sends" --files 400 --size 64 > /dev/null
  measure "${entry%%:*} real" "${entry#*:}" "$work/real.db" "$work/real" "$work/sends"
done

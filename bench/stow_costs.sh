#!/usr/bin/env bash
# Where the server's time per instance goes, STOW-RS against C-STORE, on the
# same generated corpus: what callgrind does not count (bench/
# stow_instructions.sh counts user-space instructions) and stow_bench.sh's
# CPU time only sums:
#   bench/stow_costs.sh [--files N] [--size PIXELS] [--batch K] [--client C]
#                       [--rounds R] [--work DIR] [--strace]
# Each round starts a fresh pixeldex (everything on) per mode, sends one
# instance (warm-up: DCMTK's dictionary, the first threads), then the corpus
# by dcmsend (one association) or as STOW-RS requests of K instances
# (bench_stow's CLIENT C: keepalive, chunked or each; bench/lib.sh), and
# prints per instance of the corpus: user and system CPU ms and minor page
# faults (/proc/PID/stat, exited threads included), voluntary and
# involuntary context switches (each thread's /proc/PID/task/TID/status,
# sampled every 20 ms so a thread that ends during the run, such as the
# association's, is counted to its last sample), and the rate. With
# --strace, one more run per mode under `strace -c -f` gives system calls
# per instance by kind (strace slows the server several times over: its
# rates and CPU times mean nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

files=200 size=512 batch=25 client=keepalive rounds=1 work="" with_strace=0
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --client) client=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --strace) with_strace=1; shift ;;
    *) echo "usage: $0 [--files N] [--size PIXELS] [--batch K] [--client C] [--rounds R] [--work DIR] [--strace]" >&2; exit 2 ;;
  esac
done
bench_require_built build build/pixeldex build/bench/make_corpus
[[ -n $work ]] || work=$(mktemp -d)
work=$(realpath "$work")

boundary="pixeldex-stow-bench"
bench_warm_corpus "$work" "$files" "$size" "$batch" "$boundary"
hz=$(getconf CLK_TCK)

# switches PID: "tid voluntary involuntary" of each live thread.
switches() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" '/^voluntary_ctxt/{v=$2} /^nonvoluntary_ctxt/{n=$2} END{print tid, v, n}' \
      "$task/status" 2>/dev/null || true
  done
}
# process_counts PID: "minflt utime stime" (ticks) of the whole process.
process_counts() { awk '{print $10, $14, $15}' "/proc/$1/stat"; }

# measure MODE: one run; appends "rate utime_ms stime_ms minflt vcsw ivcsw"
# per instance to $work/results.MODE.
measure() {
  local mode=$1 t0 t1 sampler
  rm -rf "$work/$mode" && mkdir -p "$work/$mode"
  bench_serve build "$work/$mode/index.db" --http 127.0.0.1:0
  bench_send "$mode" "$work/warm" "$work/warm-body" "$boundary" "$client"
  switches "$server_pid" >"$work/switches.before"
  read -r f0 u0 s0 < <(process_counts "$server_pid")
  (while :; do switches "$server_pid"; sleep 0.02; done) >"$work/switches.samples" 2>/dev/null &
  sampler=$!
  t0=$(date +%s.%N)
  bench_send "$mode" "$work/list" "$work/bodies" "$boundary" "$client"
  t1=$(date +%s.%N)
  read -r f1 u1 s1 < <(process_counts "$server_pid")
  switches "$server_pid" >>"$work/switches.samples"
  kill "$sampler" && wait "$sampler" 2>/dev/null || true
  bench_stop_server
  # Each thread's last count seen, less its count before (0 when it started later).
  awk -v n="$count" 'NR == FNR {v0[$1] = $2; i0[$1] = $3; next}
       NF == 3 {v[$1] = $2; i[$1] = $3}
       END {for (t in v) {dv += v[t] - v0[t]; di += i[t] - i0[t]}; print dv / n, di / n}' \
    "$work/switches.before" "$work/switches.samples" >"$work/switches"
  read -r vcsw ivcsw <"$work/switches"
  echo "$count $t0 $t1 $f0 $f1 $u0 $u1 $s0 $s1 $vcsw $ivcsw" | awk -v hz="$hz" '{
    n = $1; printf "%.1f %.2f %.2f %.1f %.1f %.1f\n", n / ($3 - $2), ($7 - $6) * 1000 / hz / n,
      ($9 - $8) * 1000 / hz / n, ($5 - $4) / n, $10, $11 }' >>"$work/results.$mode"
  tail -n 1 "$work/results.$mode" | awk -v m="$mode" '{printf "%-7s %7.1f inst/s  utime %.2f ms  stime %.2f ms  minflt %6.1f  vcsw %5.1f  ivcsw %5.1f  per instance\n", m, $1, $2, $3, $4, $5, $6}'
}

# syscalls MODE: system calls per instance by kind, under strace -c -f.
syscalls() {
  local mode=$1 tracer
  rm -rf "$work/$mode" && mkdir -p "$work/$mode"
  bench_serve build "$work/$mode/index.db" --http 127.0.0.1:0
  bench_send "$mode" "$work/warm" "$work/warm-body" "$boundary" "$client"
  strace -c -f -p "$server_pid" -o "$work/strace.$mode" 2>/dev/null &
  tracer=$!
  sleep 1  # attached to every thread
  bench_send "$mode" "$work/list" "$work/bodies" "$boundary" "$client"
  kill -INT "$tracer" && wait "$tracer" 2>/dev/null || true
  bench_stop_server
  echo "$mode system calls per instance (strace -c -f):"
  awk -v n="$count" '$NF != "total" && $4 ~ /^[0-9]+$/ {printf "  %-16s %8.2f\n", $NF, $4 / n}' \
    "$work/strace.$mode" | sort -k2 -g -r | head -n 20
}

rm -f "$work"/results.*
for ((round = 1; round <= rounds; ++round)); do
  for mode in cstore stow; do measure "$mode"; done
done
median() {
  awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{v[NR]=$1} END {
    print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
for mode in cstore stow; do
  printf 'MEDIAN %s over %d round(s): %.1f inst/s; per instance utime %.2f ms, stime %.2f ms, minflt %.1f, vcsw %.1f, ivcsw %.1f (client %s, requests of %d; %s; %s)\n' \
    "$mode" "$rounds" "$(median 1 "$work/results.$mode")" "$(median 2 "$work/results.$mode")" \
    "$(median 3 "$work/results.$mode")" "$(median 4 "$work/results.$mode")" \
    "$(median 5 "$work/results.$mode")" "$(median 6 "$work/results.$mode")" "$client" "$batch" \
    "$(bench_machine)" "$(date -u +%Y-%m-%dT%H:%MZ)"
done
if ((with_strace)); then
  for mode in cstore stow; do syscalls "$mode"; done
fi

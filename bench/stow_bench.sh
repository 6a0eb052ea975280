#!/usr/bin/env bash
# STOW-RS against C-STORE into pixeldex, on the same generated corpus:
#   bench/stow_bench.sh [--files N] [--size PIXELS] [--batch K] [--work DIR]
#                       [--rounds R] [--before DIR] [--client C]
# Each run starts a fresh pixeldex (everything on: fsync, index, thumbnails)
# and sends the corpus once with DCMTK's dcmsend (one association) and once
# as STOW-RS requests of K instances each with curl (one after the other;
# the multipart bodies are built before the clock starts; --client:
# bench_stow's CLIENT, bench/lib.sh: keepalive, the default, one curl and
# one connection for every request as dcmsend has one association; chunked,
# as dicomweb-client sends; each, a curl and a connection per request).
# Prints instances/s of each and their ratio (STOW / C-STORE), the server's
# user and system CPU ms per instance (its whole life: start-up included)
# and the client's (dcmsend's, curl's); issue 16 asks for STOW at no less
# than the C-STORE rate. With --before DIR (a folder holding
# another build's pixeldex, e.g. main's), each of R rounds measures that
# binary and then this build's, interleaved, so a shared, noisy machine
# weighs on both alike; the last lines give each binary's medians.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

files=200 size=512 batch=50 work="" rounds=1 before="" client=keepalive
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --client) client=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--size PIXELS] [--batch K] [--work DIR] [--rounds R] [--before DIR] [--client C]" >&2; exit 2 ;;
  esac
done
bench_require_built build build/pixeldex build/bench/make_corpus
[[ -n $work ]] || work=$(mktemp -d)

now() { date +%s.%N; }

# serve_fresh BUILD DIR: a fresh server of BUILD (its index in DIR) with
# DICOMweb; sets server_pid, dicom_port and http_port (bench_serve, bench/lib.sh).
serve_fresh() {
  bench_serve "$1" "$2/index.db" --http 127.0.0.1:0
}
# stop_measured: the server's peak resident memory (VmHWM) in peak_rss and
# its CPU time per instance in cpu_ms (user + system, from /proc/PID/stat:
# on a shared machine a steadier measure than the rate), user_ms and sys_ms
# its parts, then stops it.
stop_measured() {
  peak_rss=$(awk '/^VmHWM/{print $2 / 1024}' "/proc/$server_pid/status")
  read -r user_ms sys_ms < <(awk -v hz="$(getconf CLK_TCK)" -v n="$count" \
    '{print $14 * 1000 / hz / n, $15 * 1000 / hz / n}' "/proc/$server_pid/stat")
  cpu_ms=$(echo "$user_ms + $sys_ms" | bc -l)
  bench_stop_server
}
# client_ms FILE_BEFORE FILE_AFTER: the client's CPU ms per instance
# between two bench_children_cpu_seconds.
client_ms() { echo "($(cat "$2") - $(cat "$1")) * 1000 / $count" | bc -l; }

build/bench/make_corpus --out "$work/corpus" --files "$files" --size "$size" >/dev/null
find "$work/corpus" -type f | sort >"$work/list"
count=$(wc -l <"$work/list")
bytes=$(xargs -a "$work/list" cat | wc -c)

boundary="pixeldex-stow-bench"
bench_stow_bodies "$work/list" "$batch" "$boundary" "$work/bodies"

# measure BUILD: one C-STORE run and one STOW-RS run of BUILD's pixeldex;
# appends "cstore stow ratio" to $work/results.BUILD-NAME.
measure() {
  local build=$1 name t0 t1 stored cstore_rate stow_rate ratio cstore_cpu
  name=$(basename "$build")
  rm -rf "$work/cstore" && mkdir -p "$work/cstore"
  serve_fresh "$build" "$work/cstore"
  bench_children_cpu_seconds "$work/client0"
  t0=$(now)
  TCP_NODELAY=1 xargs -a "$work/list" dcmsend -aec PIXELDEX 127.0.0.1 "$dicom_port" >/dev/null 2>&1
  t1=$(now)
  bench_children_cpu_seconds "$work/client1"
  stored=$(curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^pixeldex_instances_stored_total /{print $2}')
  stop_measured
  cstore_rate=$(echo "$count / ($t1 - $t0)" | bc -l)
  cstore_cpu=$cpu_ms
  printf '%s C-STORE  %d instances (%d stored), %.1f MB: %.1f instances/s, %.2f CPU ms/instance (user %.2f, system %.2f), peak RSS %.0f MB, dcmsend %.2f CPU ms/instance\n' \
    "$name" "$count" "$stored" "$(echo "$bytes / 1000000" | bc -l)" "$cstore_rate" "$cpu_ms" \
    "$user_ms" "$sys_ms" "$peak_rss" "$(client_ms "$work/client0" "$work/client1")"

  rm -rf "$work/stow" && mkdir -p "$work/stow"
  serve_fresh "$build" "$work/stow"
  bench_children_cpu_seconds "$work/client0"
  t0=$(now)
  bench_stow "http://127.0.0.1:$http_port/dicom-web/studies" "$boundary" "$work/bodies" "$client"
  t1=$(now)
  bench_children_cpu_seconds "$work/client1"
  stored=$(curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^pixeldex_instances_stored_total /{print $2}')
  stop_measured
  stow_rate=$(echo "$count / ($t1 - $t0)" | bc -l)
  printf '%s STOW-RS  %d instances (%d stored) in requests of %d (client %s): %.1f instances/s, %.2f CPU ms/instance (user %.2f, system %.2f), peak RSS %.0f MB, curl %.2f CPU ms/instance\n' \
    "$name" "$count" "$stored" "$batch" "$client" "$stow_rate" "$cpu_ms" "$user_ms" "$sys_ms" \
    "$peak_rss" "$(client_ms "$work/client0" "$work/client1")"
  ratio=$(echo "$stow_rate / $cstore_rate" | bc -l)
  printf '%s RATIO stow/cstore %.2f (%s; %s)\n' "$name" "$ratio" "$(bench_machine)" \
    "$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "$cstore_rate $stow_rate $ratio $cstore_cpu $cpu_ms" >>"$work/results.$name"
}

# median COLUMN FILE
median() {
  awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{v[NR]=$1} END {
    print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

builds=(build)
[[ -n $before ]] && builds=("$before" build)
for build in "${builds[@]}"; do
  bench_require_built "$build" "$build/pixeldex"
  rm -f "$work/results.$(basename "$build")"
done
for ((round = 1; round <= rounds; ++round)); do
  for build in "${builds[@]}"; do measure "$build"; done
done
for build in "${builds[@]}"; do
  name=$(basename "$build")
  printf 'MEDIAN %s over %d round(s): C-STORE %.1f/s, STOW-RS %.1f/s, ratio stow/cstore %.2f; CPU ms/instance C-STORE %.2f, STOW-RS %.2f\n' \
    "$name" "$rounds" "$(median 1 "$work/results.$name")" "$(median 2 "$work/results.$name")" \
    "$(median 3 "$work/results.$name")" "$(median 4 "$work/results.$name")" \
    "$(median 5 "$work/results.$name")"
done

#!/usr/bin/env bash
# STOW-RS against C-STORE into pixeldex, on the same generated corpus:
#   bench/stow_bench.sh [--files N] [--size PIXELS] [--batch K] [--work DIR]
# Each run starts a fresh pixeldex (everything on: fsync, index, thumbnails)
# and sends the corpus once with DCMTK's dcmsend (one association) and once
# as STOW-RS requests of K instances each with curl (one after the other;
# the multipart bodies are built before the clock starts). Prints
# instances/s of each and their ratio (STOW / C-STORE); issue 16 asks for
# STOW at no less than the C-STORE rate.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

files=200 size=512 batch=50 work=""
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--size PIXELS] [--batch K] [--work DIR]" >&2; exit 2 ;;
  esac
done
bench_require_built build build/pixeldex build/bench/make_corpus
[[ -n $work ]] || work=$(mktemp -d)

now() { date +%s.%N; }

# serve_fresh DIR: a fresh server (its index in DIR) with DICOMweb; sets
# server_pid, dicom_port and http_port (bench_serve, bench/lib.sh).
serve_fresh() {
  bench_serve build "$1/index.db" --http 127.0.0.1:0
}
# stop_measured: the server's peak resident memory (VmHWM) in peak_rss, then
# stops it.
stop_measured() {
  peak_rss=$(awk '/^VmHWM/{print $2 / 1024}' "/proc/$server_pid/status")
  bench_stop_server
}

build/bench/make_corpus --out "$work/corpus" --files "$files" --size "$size" >/dev/null
find "$work/corpus" -type f | sort >"$work/list"
count=$(wc -l <"$work/list")
bytes=$(xargs -a "$work/list" cat | wc -c)

boundary="pixeldex-stow-bench"
bench_stow_bodies "$work/list" "$batch" "$boundary" "$work/bodies"

rm -rf "$work/cstore" && mkdir -p "$work/cstore"
serve_fresh "$work/cstore"
t0=$(now)
TCP_NODELAY=1 xargs -a "$work/list" dcmsend -aec PIXELDEX 127.0.0.1 "$dicom_port" >/dev/null 2>&1
t1=$(now)
stored=$(curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^pixeldex_instances_stored_total /{print $2}')
stop_measured
cstore_rate=$(echo "$count / ($t1 - $t0)" | bc -l)
printf 'C-STORE  %d instances (%d stored), %.1f MB: %.1f instances/s, peak RSS %.0f MB\n' \
  "$count" "$stored" "$(echo "$bytes / 1000000" | bc -l)" "$cstore_rate" "$peak_rss"

rm -rf "$work/stow" && mkdir -p "$work/stow"
serve_fresh "$work/stow"
t0=$(now)
bench_stow "http://127.0.0.1:$http_port/dicom-web/studies" "$boundary" "$work/bodies"
t1=$(now)
stored=$(curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^pixeldex_instances_stored_total /{print $2}')
stop_measured
stow_rate=$(echo "$count / ($t1 - $t0)" | bc -l)
printf 'STOW-RS  %d instances (%d stored) in requests of %d: %.1f instances/s, peak RSS %.0f MB\n' \
  "$count" "$stored" "$batch" "$stow_rate" "$peak_rss"
printf 'RATIO stow/cstore %.2f (%s; %s)\n' "$(echo "$stow_rate / $cstore_rate" | bc -l)" \
  "$(bench_machine)" "$(date -u +%Y-%m-%dT%H:%MZ)"

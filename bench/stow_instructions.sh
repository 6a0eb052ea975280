#!/usr/bin/env bash
# Server instructions per instance, STOW-RS against C-STORE, on the same
# generated corpus, counted by valgrind's callgrind (same binary, same input:
# the same count however loaded the machine is, where stow_bench.sh's rates
# and CPU times are not):
#   bench/stow_instructions.sh [--files N] [--size PIXELS] [--batch K] [--work DIR]
#                              [--server BUILD]
# Runs `pixeldex serve` (fresh index, storage in a temporary folder: put
# TMPDIR on tmpfs) under callgrind twice: once the corpus goes by dcmsend
# (one association), once as STOW-RS requests of K instances by curl, one
# after the other. One more instance goes first the same way (warming up:
# DCMTK's dictionary is loaded on first use, about 120 M instructions); the
# counters are zeroed after it and dumped once the last answer arrived
# (every instance durable and indexed then), so start-up, warm-up and
# shutdown are not counted. Prints Ir per instance
# for each and their ratio, and leaves the profiles in DIR
# (--server BUILD: a folder holding another build's pixeldex to count, e.g.
# main's)
# (callgrind.cstore.*, callgrind.stow.*: read with callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

files=100 size=512 batch=25 work="" server=build
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --server) server=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--size PIXELS] [--batch K] [--work DIR] [--server BUILD]" >&2; exit 2 ;;
  esac
done
bench_require_built build build/bench/make_corpus
bench_require_built "$server" "$server/pixeldex"
command -v callgrind_control >/dev/null || { echo "needs valgrind (callgrind)" >&2; exit 1; }
[[ -n $work ]] || work=$(mktemp -d)
work=$(realpath "$work")

boundary="pixeldex-stow-bench"
bench_warm_corpus "$work" "$files" "$size" "$batch" "$boundary"

# counted MODE: Ir of the server while MODE (cstore or stow) sends the corpus.
counted() {
  local mode=$1 dump
  rm -rf "$work/$mode" && mkdir -p "$work/$mode"
  bench_serve_prefix=(valgrind --tool=callgrind "--callgrind-out-file=$work/callgrind.$mode.%p")
  bench_serve "$server" "$work/$mode/index.db" --http 127.0.0.1:0
  bench_send "$mode" "$work/warm" "$work/warm-body" "$boundary"
  (cd "$work" && callgrind_control -z "$server_pid" >/dev/null 2>&1)
  bench_send "$mode" "$work/list" "$work/bodies" "$boundary"
  (cd "$work" && callgrind_control "--dump=$mode-sent" "$server_pid" >/dev/null 2>&1)
  dump="$work/callgrind.$mode.$server_pid.1"
  bench_stop_server
  bench_serve_prefix=()
  awk '/^summary:|^totals:/{print $2; exit}' "$dump"
}

cstore=$(counted cstore)
stow=$(counted stow)
printf 'C-STORE  %d instances (%dx%d): %.0f Ir/instance\n' "$count" "$size" "$size" "$(echo "$cstore / $count" | bc -l)"
printf 'STOW-RS  %d instances in requests of %d: %.0f Ir/instance\n' "$count" "$batch" "$(echo "$stow / $count" | bc -l)"
printf 'RATIO stow/cstore Ir %.3f (profiles in %s)\n' "$(echo "$stow / $cstore" | bc -l)" "$work"

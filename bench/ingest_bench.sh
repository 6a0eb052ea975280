#!/usr/bin/env bash
# Ingest benchmark: pixeldex (full cataloging: fsync, index, DICOM JSON,
# thumbnails) against DCMTK's storescp (writes files, no fsync, nothing else)
# on the same corpus, in the same run, alternating, with 1 and 4 concurrent
# dcmsend senders, for big (512x512x16 CT) and tiny images.
#
#   bench/ingest_bench.sh [--big N] [--tiny N] [--rounds R] [--work DIR]
#
# Prints one line per measurement and a ratio line per configuration:
# instances/s, MB/s, receiver CPU ms per instance, receiver peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

big=1000
tiny=1000
rounds=2
work=/tmp/pixeldex-ingest-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --big) big=$2; shift 2 ;;
    --tiny) tiny=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--big N] [--tiny N] [--rounds R] [--work DIR]" >&2; exit 2 ;;
  esac
done

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target pixeldex make_corpus >/dev/null
mkdir -p "$work"
for kind in big tiny; do
  count=${!kind}
  size=512
  [ "$kind" = tiny ] && size=64
  if [ ! -f "$work/corpus-$kind/.done-$count" ]; then
    rm -rf "$work/corpus-$kind"
    build/bench/make_corpus --out "$work/corpus-$kind" --files "$count" --size "$size" >/dev/null
    touch "$work/corpus-$kind/.done-$count"
  fi
done

ticks=$(getconf CLK_TCK)
# CPU seconds of a process and its reaped children.
cpu_seconds() {
  awk -v t="$ticks" '{ print ($14 + $15 + $16 + $17) / t }' "/proc/$1/stat"
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for_echo() {
  for _ in $(seq 1 100); do
    TCP_NODELAY=1 echoscu -to 1 -aec "$2" 127.0.0.1 "$1" >/dev/null 2>&1 && return 0
  done
  echo "receiver on port $1 did not answer" >&2
  return 1
}

# send SENDERS CORPUS PORT AET: splits the corpus over SENDERS dcmsend processes.
send() {
  local senders=$1 corpus=$2 port=$3 aet=$4
  find "$corpus" -type f ! -name '.done-*' | sort > "$work/files"
  split -n "l/$senders" "$work/files" "$work/part."
  local pids=()
  for part in "$work"/part.*; do
    TCP_NODELAY=1 xargs -a "$part" dcmsend -aec "$aet" 127.0.0.1 "$port" >/dev/null 2>&1 &
    pids+=($!)
  done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$work"/part.*
  return $rc
}

# run RECEIVER KIND SENDERS: prints "inst/s MB/s cpu_ms_per_inst rss_mb".
run() {
  local receiver=$1 kind=$2 senders=$3
  local corpus="$work/corpus-$kind" out="$work/out-$receiver" port
  local count bytes
  count=$(find "$corpus" -type f ! -name '.done-*' | wc -l)
  bytes=$(find "$corpus" -type f ! -name '.done-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
  rm -rf "$out" && mkdir -p "$out"
  port=$(free_port)
  if [ "$receiver" = pixeldex ]; then
    build/pixeldex serve --port "$port" --storage "$out/storage" --index "$out/index.db" \
      >/dev/null 2>"$out/log" &
  else
    local fork=""
    [ "$senders" -gt 1 ] && fork="--fork"
    TCP_NODELAY=1 storescp $fork -od "$out" -fe .dcm "$port" >/dev/null 2>&1 &
  fi
  local pid=$!
  local aet=PIXELDEX
  [ "$receiver" = storescp ] && aet=ANY-SCP
  wait_for_echo "$port" "$aet"
  local cpu0 t0 t1 cpu1 rss
  cpu0=$(cpu_seconds "$pid")
  t0=$(date +%s.%N)
  send "$senders" "$corpus" "$port" "$aet"
  t1=$(date +%s.%N)
  cpu1=$(cpu_seconds "$pid")
  rss=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  if [ "$receiver" = pixeldex ]; then
    local indexed
    indexed=$(sqlite3 "$out/index.db" "SELECT count(*) FROM instances")
    [ "$indexed" -eq "$count" ] || echo "WARNING: pixeldex indexed $indexed of $count" >&2
  fi
  awk -v n="$count" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v r="$rss" \
    'BEGIN { d = t1 - t0; printf "%.1f %.1f %.2f %.0f\n", n / d, b / d / 1e6, (c1 - c0) * 1000 / n, r }'
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; big=$big tiny=$tiny rounds=$rounds"
echo "# config receiver: inst/s MB/s cpu_ms/inst peak_rss_MB (storescp CPU/RSS exclude --fork children's RSS)"
for kind in big tiny; do
  for senders in 1 4; do
    p_sum=0; s_sum=0
    for round in $(seq 1 "$rounds"); do
      p=$(run pixeldex "$kind" "$senders")
      s=$(run storescp "$kind" "$senders")
      echo "$kind x$senders pixeldex: $p"
      echo "$kind x$senders storescp: $s"
      p_sum=$(awk -v a="$p_sum" -v b="${p%% *}" 'BEGIN { print a + b }')
      s_sum=$(awk -v a="$s_sum" -v b="${s%% *}" 'BEGIN { print a + b }')
    done
    awk -v p="$p_sum" -v s="$s_sum" -v k="$kind" -v n="$senders" \
      'BEGIN { printf "RATIO %s x%s: pixeldex/storescp = %.2f\n", k, n, p / s }'
  done
done

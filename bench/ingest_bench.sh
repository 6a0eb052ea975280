#!/usr/bin/env bash
# Ingest benchmark: pixeldex (full cataloging: fsync, index, DICOM JSON,
# thumbnails) against two peers on the same corpus, in the same run,
# alternating, with 1 and 4 concurrent dcmsend senders, for big (512x512x16
# CT) and tiny images:
#   - DCMTK's storescp (writes files, no fsync, nothing else; --fork for 4);
#   - Orthanc (Debian's 1.10.1, SQLite index, defaults: files fsynced, no
#     thumbnails), installed by this script when missing; --no-orthanc skips it.
#
#   bench/ingest_bench.sh [--big N] [--tiny N] [--rounds R] [--work DIR] [--no-orthanc]
#                         [--senders "1 4"] [--modes "nodelay nagle"] [--receivers "..."]
#                         [--postgres URI]
#   (--big 0 or --tiny 0 skips that corpus)
#
# --postgres URI adds the receiver `pixeldex-pg`: pixeldex with
# --index URI (README "PostgreSQL"), whose public schema is dropped and
# made again before each run (the URI's user must own the database; put its
# password in PGPASSFILE). The RATIO line pixeldex/pixeldex-pg is SQLite's
# rate over PostgreSQL's.
#
# --modes lists the sender modes: `nodelay` runs dcmsend with TCP_NODELAY=1,
# `nagle` with TCP_NODELAY=0, Nagle's algorithm left on as a stock
# DCMTK-based sender or PACS has it (README "Performance rules"). With both,
# a NAGLE line per configuration gives pixeldex's nagle/nodelay rate, and the
# script exits 1 when one is below issue 20's target of 0.8.
# PIXELDEX=BIN runs that pixeldex binary instead of build/pixeldex (e.g. an
# older commit's build, to compare two versions in one run).
# --receivers narrows "pixeldex storescp orthanc" (storescp and Orthanc crawl
# at ~10 instances/s in nagle mode: they have no quick ACKs).
#
# Prints one line per measurement and a ratio line per configuration:
# instances/s, MB/s, receiver CPU ms per instance, receiver peak RSS, and the
# senders' CPU ms per instance (on the same cores: what the receiver cannot use).
# --senders lists the sender counts to run (e.g. "32" for issue 7's memory
# bound with 32 concurrent senders).
set -euo pipefail
cd "$(dirname "$0")/.."

big=1000
tiny=1000
rounds=2
work=/tmp/pixeldex-ingest-bench
orthanc=1
sender_counts="1 4"
modes="nodelay nagle"
receivers=""
postgres=""
pixeldex=${PIXELDEX:-build/pixeldex}
while [ $# -gt 0 ]; do
  case "$1" in
    --big) big=$2; shift 2 ;;
    --tiny) tiny=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --no-orthanc) orthanc=0; shift ;;
    --senders) sender_counts=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --receivers) receivers=$2; shift 2 ;;
    --postgres) postgres=$2; shift 2 ;;
    *) sed -n '10,13p' "$0" >&2; exit 2 ;;
  esac
done

if [ -z "$receivers" ]; then
  receivers="pixeldex storescp"
  [ "$orthanc" = 1 ] && receivers="$receivers orthanc"
  [ -n "$postgres" ] && receivers="$receivers pixeldex-pg"
fi
case " $receivers " in *" orthanc "*) ;; *) orthanc=0 ;; esac
if [ "$orthanc" = 1 ] && ! command -v Orthanc >/dev/null; then
  # policy-rc.d keeps the package from starting its own service.
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends orthanc >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target pixeldex make_corpus >/dev/null
mkdir -p "$work"
kinds=""
for kind in big tiny; do
  count=${!kind}
  [ "$count" -gt 0 ] || continue  # --tiny 0: big images only
  kinds="$kinds $kind"
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

# send SENDERS CORPUS PORT AET MODE: splits the corpus over SENDERS dcmsend
# processes; MODE nagle leaves their Nagle algorithm on.
send() {
  local senders=$1 corpus=$2 port=$3 aet=$4 nodelay=1
  [ "$5" = nagle ] && nodelay=0
  find "$corpus" -type f ! -name '.done-*' | sort > "$work/files"
  split -n "l/$senders" "$work/files" "$work/part."
  local pids=()
  for part in "$work"/part.*; do
    TCP_NODELAY=$nodelay xargs -a "$part" dcmsend -aec "$aet" 127.0.0.1 "$port" >/dev/null 2>&1 &
    pids+=($!)
  done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$work"/part.*
  return $rc
}

# run RECEIVER KIND SENDERS MODE: prints "inst/s MB/s cpu_ms_per_inst rss_mb".
run() {
  local receiver=$1 kind=$2 senders=$3 mode=$4
  local corpus="$work/corpus-$kind" out="$work/out-$receiver" port
  local count bytes
  count=$(find "$corpus" -type f ! -name '.done-*' | wc -l)
  bytes=$(find "$corpus" -type f ! -name '.done-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
  rm -rf "$out" && mkdir -p "$out"
  port=$(free_port)
  local aet=PIXELDEX
  if [ "$receiver" = pixeldex ]; then
    "$pixeldex" serve --port "$port" --storage "$out/storage" --index "$out/index.db" \
      >/dev/null 2>"$out/log" &
  elif [ "$receiver" = pixeldex-pg ]; then
    psql "$postgres" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' 2>/dev/null
    "$pixeldex" serve --port "$port" --storage "$out/storage" --index "$postgres" \
      >/dev/null 2>"$out/log" &
  elif [ "$receiver" = orthanc ]; then
    aet=ORTHANC
    cat > "$out/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$out/storage", "IndexDirectory": "$out/index",
  "DicomAet": "ORTHANC", "DicomPort": $port, "HttpPort": $(free_port),
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": [] }
JSON
    TCP_NODELAY=1 Orthanc "$out/orthanc.json" >/dev/null 2>"$out/log" &
  else
    aet=ANY-SCP
    local fork=""
    [ "$senders" -gt 1 ] && fork="--fork"
    TCP_NODELAY=1 storescp $fork -od "$out" -fe .dcm "$port" >/dev/null 2>&1 &
  fi
  local pid=$!
  wait_for_echo "$port" "$aet" || { cat "$out/log" >&2 2>/dev/null; exit 1; }
  local cpu0 t0 t1 cpu1 rss
  local sender0 sender1
  cpu0=$(cpu_seconds "$pid")
  bench_children_cpu_seconds "$work/sender0"; sender0=$(cat "$work/sender0")
  t0=$(date +%s.%N)
  send "$senders" "$corpus" "$port" "$aet" "$mode"
  t1=$(date +%s.%N)
  cpu1=$(cpu_seconds "$pid")
  bench_children_cpu_seconds "$work/sender1"; sender1=$(cat "$work/sender1")
  rss=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  if [ "$receiver" = pixeldex ]; then
    local indexed
    indexed=$(sqlite3 "$out/index.db" "SELECT count(*) FROM instances")
    [ "$indexed" -eq "$count" ] || echo "WARNING: pixeldex indexed $indexed of $count" >&2
  elif [ "$receiver" = pixeldex-pg ]; then
    local indexed
    indexed=$(psql "$postgres" -Atq -c "SELECT count(*) FROM instances")
    [ "$indexed" -eq "$count" ] || echo "WARNING: pixeldex-pg indexed $indexed of $count" >&2
  fi
  awk -v n="$count" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v r="$rss" \
      -v s0="$sender0" -v s1="$sender1" \
    'BEGIN { d = t1 - t0; printf "%.1f %.1f %.2f %.0f %.2f\n", n / d, b / d / 1e6, (c1 - c0) * 1000 / n, r,
             (s1 - s0) * 1000 / n }'
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; big=$big tiny=$tiny rounds=$rounds; modes: $modes; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# config receiver: inst/s MB/s cpu_ms/inst peak_rss_MB sender_cpu_ms/inst (storescp's RSS excludes its --fork children)"
below_target=0
for kind in $kinds; do
  for senders in $sender_counts; do
    declare -A sum=()
    for round in $(seq 1 "$rounds"); do
      for mode in $modes; do
        for receiver in $receivers; do
          r=$(run "$receiver" "$kind" "$senders" "$mode")
          echo "$kind x$senders $mode $receiver: $r"
          sum[$mode/$receiver]=$(awk -v a="${sum[$mode/$receiver]:-0}" -v b="${r%% *}" 'BEGIN { print a + b }')
        done
      done
    done
    for mode in $modes; do
      for peer in $receivers; do
        [ "$peer" = pixeldex ] && continue
        [ -n "${sum[$mode/pixeldex]:-}" ] || continue
        awk -v p="${sum[$mode/pixeldex]}" -v s="${sum[$mode/$peer]}" -v k="$kind" -v n="$senders" \
            -v m="$mode" -v peer="$peer" \
          'BEGIN { printf "RATIO %s x%s %s: pixeldex/%s = %.2f\n", k, n, m, peer, p / s }'
      done
    done
    for receiver in $receivers; do
      [ -n "${sum[nagle/$receiver]:-}" ] && [ -n "${sum[nodelay/$receiver]:-}" ] || continue
      line=$(awk -v a="${sum[nagle/$receiver]}" -v b="${sum[nodelay/$receiver]}" -v k="$kind" \
               -v n="$senders" -v r="$receiver" \
        'BEGIN { printf "NAGLE %s x%s: %s nagle/nodelay = %.2f", k, n, r, a / b }')
      if [ "$receiver" = pixeldex ] && awk -v a="${sum[nagle/$receiver]}" -v b="${sum[nodelay/$receiver]}" \
           'BEGIN { exit !(a / b < 0.8) }'; then
        line="$line BELOW TARGET 0.8"
        below_target=1
      fi
      echo "$line"
    done
    unset sum
  done
done
exit $below_target

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
#                         [--postgres URI|DIR]
#   (--big 0 or --tiny 0 skips that corpus)
#
# --postgres URI adds the receiver `pixeldex-pg`: pixeldex with
# --index URI (README "PostgreSQL"), whose public schema is dropped and
# made again before each run (the URI's user must own the database; put its
# password in PGPASSFILE). --postgres DIR starts a PostgreSQL cluster of the
# script's own with its data in DIR (bench/lib.sh, bench_postgres_start: put
# it on the archive's disk) and uses that; then each PostgreSQL receiver's
# line also has the database server's CPU ms per instance. Two more
# receivers use it, named in --receivers:
#   - pixeldex-pg2: two pixeldex nodes on the same storage root and the same
#     PostgreSQL index (README "Several nodes, one archive"), the corpus
#     split between them (each sender's share goes to one node, alternately;
#     with one sender, one per node);
#   - orthanc-pg: Orthanc with its PostgreSQL index plugin (Debian's
#     orthanc-postgresql, installed by this script when missing; index in
#     PostgreSQL, files on disk as Orthanc's default).
# The RATIO line pixeldex/pixeldex-pg is SQLite's rate over PostgreSQL's;
# pixeldex-pg2/pixeldex-pg and pixeldex-pg/orthanc-pg lines come with them.
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
# instances/s, MB/s, receiver CPU ms per instance, receiver peak RSS, the
# senders' CPU ms per instance (on the same cores: what the receiver cannot
# use) and the database server's CPU ms per instance ("-" without one of
# the script's own). Two-node figures are the sums of both nodes. RATIO
# lines divide median rates over the rounds and list each round's ratio
# (the receivers alternate within a round, so a round's ratio is of runs
# minutes apart).
# --senders lists the sender counts to run (e.g. "32" for issue 7's memory
# bound with 32 concurrent senders).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

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
case " $receivers " in *" orthanc "*|*" orthanc-pg "*) ;; *) orthanc=0 ;; esac
case " $receivers " in *" pixeldex-pg"*|*" orthanc-pg "*)
  [ -n "$postgres" ] || { echo "--receivers $receivers needs --postgres" >&2; exit 2; } ;;
esac
# Debian's packages, when missing; policy-rc.d keeps them from starting
# their own service.
install_packages() {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
}
if [ "$orthanc" = 1 ] && ! command -v Orthanc >/dev/null; then install_packages orthanc; fi
orthanc_pg_plugin=/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so
case " $receivers " in *" orthanc-pg "*)
  [ -e "$orthanc_pg_plugin" ] || install_packages orthanc-postgresql ;;
esac
if [ -n "$postgres" ] && [[ "$postgres" != postgresql://* ]]; then
  bench_postgres_start "$postgres"
  postgres=$pg_uri
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target pixeldex make_corpus >/dev/null
mkdir -p "$work"
# Every run's archive stays until the script ends: a receiver's files are
# never created among inodes another run has just freed. ext4 without a
# journal (this VM's build disk) skips inodes freed in the last 60-360 s
# when it creates a file (`recently_deleted` in the inode allocator), which
# cost the runs after a deletion up to a third of their rate, whichever
# receiver ran next (bench/README.md, "Every line on a quiet machine"). On
# such a disk, start a script a few minutes after the last one ended.
runs="$work/runs"
rm -rf "$runs" "$work"/out-*
mkdir -p "$runs"
trap 'rm -rf "$runs"; bench_cleanup' EXIT
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
wait_for_echo() {
  for _ in $(seq 1 100); do
    TCP_NODELAY=1 echoscu -to 1 -aec "$2" 127.0.0.1 "$1" >/dev/null 2>&1 && return 0
  done
  echo "receiver on port $1 did not answer" >&2
  return 1
}

# send SENDERS CORPUS AET MODE PORT...: splits the corpus over SENDERS
# dcmsend processes (at least one per PORT), which send to the PORTs in
# turn; MODE nagle leaves their Nagle algorithm on.
send() {
  local senders=$1 corpus=$2 aet=$3 nodelay=1
  [ "$4" = nagle ] && nodelay=0
  shift 4
  local ports=("$@") parts=$senders n=0
  [ "$parts" -ge "${#ports[@]}" ] || parts=${#ports[@]}
  find "$corpus" -type f ! -name '.done-*' | sort > "$work/files"
  split -n "l/$parts" "$work/files" "$work/part."
  local pids=()
  for part in "$work"/part.*; do
    TCP_NODELAY=$nodelay xargs -a "$part" dcmsend -aec "$aet" 127.0.0.1 "${ports[n++ % ${#ports[@]}]}" \
      >/dev/null 2>&1 &
    pids+=($!)
  done
  local rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$work"/part.*
  return $rc
}

# db_cpu: the database server's CPU seconds so far, or "" when the script
# did not start it.
db_cpu() {
  if [ -n "${pg_postmaster:-}" ]; then bench_postgres_cpu; fi
}
# run RECEIVER KIND SENDERS MODE: prints "inst/s MB/s cpu_ms_per_inst rss_mb
# sender_cpu_ms_per_inst db_cpu_ms_per_inst".
run() {
  local receiver=$1 kind=$2 senders=$3 mode=$4
  local corpus="$work/corpus-$kind" out port ports=() pids=()
  local count bytes
  count=$(find "$corpus" -type f ! -name '.done-*' | wc -l)
  bytes=$(find "$corpus" -type f ! -name '.done-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
  out=$(mktemp -d "$runs/$receiver-XXXXXX")
  local aet=PIXELDEX
  case "$receiver" in pixeldex-pg*|orthanc-pg) bench_postgres_reset "$postgres" ;; esac
  if [ "$receiver" = pixeldex ] || [ "$receiver" = pixeldex-pg ] || [ "$receiver" = pixeldex-pg2 ]; then
    local index="$out/index.db" nodes=1
    [ "$receiver" = pixeldex ] || index=$postgres
    [ "$receiver" = pixeldex-pg2 ] && nodes=2
    for _ in $(seq 1 "$nodes"); do
      port=$(bench_free_port)
      "$pixeldex" serve --port "$port" --storage "$out/storage" --index "$index" \
        >/dev/null 2>>"$out/log" &
      pids+=($!) ports+=("$port")
      # The first node migrates the empty schema alone (the second would
      # wait for its lock anyway).
      wait_for_echo "$port" "$aet" || { cat "$out/log" >&2 2>/dev/null; exit 1; }
    done
  elif [ "$receiver" = orthanc ] || [ "$receiver" = orthanc-pg ]; then
    aet=ORTHANC
    port=$(bench_free_port)
    local plugins="[]" index_config=""
    if [ "$receiver" = orthanc-pg ]; then
      plugins="[\"$orthanc_pg_plugin\"]"
      index_config=", \"PostgreSQL\": { \"EnableIndex\": true, \"EnableStorage\": false,
        \"ConnectionUri\": \"$postgres\", \"Lock\": false }"
    fi
    cat > "$out/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$out/storage", "IndexDirectory": "$out/index",
  "DicomAet": "ORTHANC", "DicomPort": $port, "HttpPort": $(bench_free_port),
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": $plugins $index_config }
JSON
    TCP_NODELAY=1 Orthanc "$out/orthanc.json" >/dev/null 2>"$out/log" &
    pids+=($!) ports+=("$port")
  else
    aet=ANY-SCP
    local fork=""
    [ "$senders" -gt 1 ] && fork="--fork"
    port=$(bench_free_port)
    TCP_NODELAY=1 storescp $fork -od "$out" -fe .dcm "$port" >/dev/null 2>&1 &
    pids+=($!) ports+=("$port")
  fi
  for port in "${ports[@]}"; do
    wait_for_echo "$port" "$aet" || { cat "$out/log" >&2 2>/dev/null; exit 1; }
  done
  local cpu0=0 t0 t1 cpu1=0 rss=0 pid db0 db1
  local sender0 sender1
  for pid in "${pids[@]}"; do cpu0=$(awk -v a="$cpu0" -v b="$(cpu_seconds "$pid")" 'BEGIN { print a + b }'); done
  db0=""
  case "$receiver" in pixeldex-pg*|orthanc-pg) db0=$(db_cpu) ;; esac
  bench_children_cpu_seconds "$work/sender0"; sender0=$(cat "$work/sender0")
  t0=$(date +%s.%N)
  send "$senders" "$corpus" "$aet" "$mode" "${ports[@]}"
  t1=$(date +%s.%N)
  for pid in "${pids[@]}"; do
    cpu1=$(awk -v a="$cpu1" -v b="$(cpu_seconds "$pid")" 'BEGIN { print a + b }')
    rss=$(awk -v a="$rss" '/VmHWM/ { print a + $2 / 1024 }' "/proc/$pid/status")
  done
  bench_children_cpu_seconds "$work/sender1"; sender1=$(cat "$work/sender1")
  for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; done
  db1=""
  if [ -n "$db0" ]; then
    bench_postgres_idle "$postgres"
    db1=$(db_cpu)
  fi
  local indexed
  case "$receiver" in
    pixeldex) indexed=$(sqlite3 "$out/index.db" "SELECT count(*) FROM instances") ;;
    pixeldex-pg*) indexed=$(psql "$postgres" -Atq -c "SELECT count(*) FROM instances") ;;
    *) indexed=$count ;;
  esac
  [ "$indexed" -eq "$count" ] || echo "WARNING: $receiver indexed $indexed of $count" >&2
  awk -v n="$count" -v b="$bytes" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v r="$rss" \
      -v s0="$sender0" -v s1="$sender1" -v d0="$db0" -v d1="$db1" \
    'BEGIN { d = t1 - t0; db = d0 == "" ? "-" : sprintf("%.2f", (d1 - d0) * 1000 / n)
             printf "%.1f %.1f %.2f %.0f %.2f %s\n", n / d, b / d / 1e6, (c1 - c0) * 1000 / n, r,
             (s1 - s0) * 1000 / n, db }'
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; big=$big tiny=$tiny rounds=$rounds; modes: $modes; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# config receiver: inst/s MB/s cpu_ms/inst peak_rss_MB sender_cpu_ms/inst db_cpu_ms/inst (storescp's RSS excludes its --fork children)"
# Each dcmsend spends about 30 ms of CPU starting (on this VM; DCMTK's data
# dictionary mostly), counted in the senders' CPU and taken from the cores
# the receiver shares: with few files per sender, their start-up sets the
# line's rate more than the receiver does (1,000 tiny files over 32 senders:
# about 1 ms per instance, twice pixeldex's own CPU; bench/README.md).
min_per_sender=250
for kind in $kinds; do
  for senders in $sender_counts; do
    per_sender=$(( ${!kind} / senders ))
    [ "$per_sender" -ge "$min_per_sender" ] ||
      echo "# note: $kind x$senders sends $per_sender files per dcmsend, whose start-up is then" \
           "much of the senders' CPU; --$kind $((min_per_sender * senders)) measures the receivers"
  done
done
# The ratios to print: pixeldex against every peer, then these where both run.
ratio_pairs=""
for peer in $receivers; do [ "$peer" = pixeldex ] || ratio_pairs="$ratio_pairs pixeldex/$peer"; done
for pair in pixeldex-pg2/pixeldex-pg pixeldex-pg/orthanc-pg pixeldex-pg2/orthanc-pg; do
  case " $receivers " in *" ${pair%/*} "*) case " $receivers " in *" ${pair#*/} "*)
    ratio_pairs="$ratio_pairs $pair" ;; esac ;; esac
done
below_target=0
for kind in $kinds; do
  for senders in $sender_counts; do
    declare -A rates=() cpus=() sender_cpus=()
    for _ in $(seq 1 "$rounds"); do
      for mode in $modes; do
        for receiver in $receivers; do
          r=$(run "$receiver" "$kind" "$senders" "$mode")
          echo "$kind x$senders $mode $receiver: $r"
          rates[$mode/$receiver]="${rates[$mode/$receiver]:-} ${r%% *}"
          read -r _ _ cpu _ sender_cpu _ <<< "$r"
          cpus[$mode/$receiver]="${cpus[$mode/$receiver]:-} $cpu"
          sender_cpus[$mode/$receiver]="${sender_cpus[$mode/$receiver]:-} $sender_cpu"
        done
      done
    done
    for mode in $modes; do
      for pair in $ratio_pairs; do
        a=${pair%/*} b=${pair#*/}
        if [ -z "${rates[$mode/$a]:-}" ] || [ -z "${rates[$mode/$b]:-}" ]; then continue; fi
        read -r -a ra <<< "${rates[$mode/$a]}"
        read -r -a rb <<< "${rates[$mode/$b]}"
        per_round=""
        for i in "${!ra[@]}"; do
          per_round="$per_round $(awk -v x="${ra[i]}" -v y="${rb[i]}" 'BEGIN { printf "%.2f", x / y }')"
        done
        awk -v p="$(bench_median "${ra[@]}")" -v s="$(bench_median "${rb[@]}")" -v k="$kind" -v n="$senders" \
            -v m="$mode" -v pair="$pair" -v rounds="$per_round" \
          'BEGIN { printf "RATIO %s x%s %s: %s = %.2f (medians %.1f / %.1f inst/s; rounds:%s)\n",
                   k, n, m, pair, p / s, p, s, rounds }'
        # The receivers' CPU per instance, and the senders' beside them: with
        # both cores busy a rate is about cores / (receiver + senders' CPU),
        # so the senders' share bounds what a cheaper receiver can gain.
        # shellcheck disable=SC2086
        awk -v p="$(bench_median ${cpus[$mode/$a]})" -v s="$(bench_median ${cpus[$mode/$b]})" \
            -v sp="$(bench_median ${sender_cpus[$mode/$a]})" \
            -v ss="$(bench_median ${sender_cpus[$mode/$b]})" -v k="$kind" -v n="$senders" \
            -v m="$mode" -v pair="$pair" \
          'BEGIN { printf "CPU %s x%s %s: %s = %.2f (receiver ms/inst medians %.2f / %.2f;" \
                   " senders %.2f / %.2f)\n", k, n, m, pair, p / s, p, s, sp, ss }'
      done
    done
    for receiver in $receivers; do
      if [ -z "${rates[nagle/$receiver]:-}" ] || [ -z "${rates[nodelay/$receiver]:-}" ]; then continue; fi
      # shellcheck disable=SC2086
      a=$(bench_median ${rates[nagle/$receiver]}) b=$(bench_median ${rates[nodelay/$receiver]})
      line=$(awk -v a="$a" -v b="$b" -v k="$kind" -v n="$senders" -v r="$receiver" \
        'BEGIN { printf "NAGLE %s x%s: %s nagle/nodelay = %.2f", k, n, r, a / b }')
      if [ "$receiver" = pixeldex ] && awk -v a="$a" -v b="$b" 'BEGIN { exit !(a / b < 0.8) }'; then
        line="$line BELOW TARGET 0.8"
        below_target=1
      fi
      echo "$line"
    done
    unset rates cpus sender_cpus
  done
done
echo "# done $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
exit $below_target
#!/usr/bin/env bash
# C-FIND benchmark (bench/README.md "C-FIND").
#
#   bench/find_bench.sh [--instances N] [--index FILE] [--repeat R] [--build DIR]
#                       [--shapes a,b,...] [--skip-findscu] [--storage DIR]
#                       [--postgres DIR] [--clients "dcmscu light"] [--skip-sql]
#
# On PostgreSQL: --index postgresql://USER@HOST:PORT/DB (the URI's user must
# own the database and be a superuser, for the load's
# session_replication_role), or --postgres DIR, which starts a cluster of
# its own with its data in DIR (lib.sh, bench_postgres_start; put DIR on a
# disk) and uses it. Unless the index holds N instances, the synthetic
# archive goes in by COPY (lib.sh, bench_synthetic_index); step 2 is
# SQLite's and is skipped; with --postgres DIR, every statement over 5 ms is
# in DIR/server.log with its parameters, for EXPLAIN (ANALYZE, BUFFERS).
#
# 1. builds the synthetic index of N instances with build_find_index (unless
#    FILE exists; default FILE: DIR/bench/find-index-N.db);
# 2. runs the query shapes in-process through the C-FIND engine
#    (find_sql_bench: EXPLAIN QUERY PLAN, then latency per query; not with
#    --skip-sql);
# 3. starts `pixeldex serve --port 0` on that index, reads the port from its
#    "listening on" line, checks that each client of --clients other than
#    dcmscu (find_peers.h: dcmscu, finduser, dimse, light) sees the same matches and
#    final status as DcmSCU for every sample, then times the same shapes
#    over one association per shape and client with find_client (the
#    clients alternating shape by shape; per-query median/p99, the client's
#    CPU per query), with the server's CPU time per query from /proc;
# 4. times the same shapes as QIDO-RS searches on the server's HTTP listener
#    (qido_client: one keep-alive connection, per-search median/p99), with the
#    server's CPU time per search;
# 5. for comparison, findscu --repeat R on one association per shape (one
#    sample value; only a total time exists, so it gives the mean).
# --storage DIR keeps the server's storage folder (lib.sh bench_serve): only
# the first start on an index walks it (100 s at 1M, 1,000 s at 10M).
# Needs the project built (cmake --build DIR) and DCMTK's findscu.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
instances=1000000
index=""
repeat=1000
build="$root/build"
shapes=all
findscu_runs=1
sql_runs=1
postgres_dir=""
clients="dcmscu light"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --skip-findscu) findscu_runs=0; shift ;;
    --skip-sql) sql_runs=0; shift ;;
    --storage) bench_storage=$2; shift 2 ;;
    --postgres) postgres_dir=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    *) sed -n '2,36p' "$0"; exit 2 ;;
  esac
done
bin="$build/bench"
bench_require_built "$build" "$bin/build_find_index" "$bin/find_sql_bench" "$bin/find_client" \
  "$bin/qido_client" "$build/pixeldex"
echo "== machine: $(bench_machine)," \
     "$(date -u +%Y-%m-%dT%H:%MZ), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "$postgres_dir" ]]; then
  # minimal WAL: the load's COPY into tables it emptied writes no WAL. No
  # autovacuum: the archive is only read once loaded (frozen and analysed
  # by the load), so a vacuum would only take CPU from the measurement.
  bench_postgres_start "$postgres_dir" wal_level=minimal max_wal_senders=0 max_wal_size=8GB \
    shared_buffers=1GB log_min_duration_statement=5ms autovacuum=off
  index=$pg_uri
fi
[[ -n "$index" ]] || index="$bin/find-index-$instances.db"

bench_synthetic_index "$bin" "$index" "$instances"

if [[ "$index" != postgresql://* && $sql_runs -eq 1 ]]; then
  echo
  echo "== in-process (query::RunFind, no network)"
  "$bin/find_sql_bench" --index "$index" --instances "$instances" --repeat "$repeat" --shapes "$shapes"
fi

bench_serve "$build" "$index" --no-thumbnails --http 127.0.0.1:0
port=$dicom_port

# CPU seconds (user + system) the server has used so far, all threads; and
# those of the database server, when the script started it (else empty).
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server_pid/stat"
}
db_cpu() {
  if [[ -n "${pg_postmaster:-}" && -n "${pg_dir:-}" ]]; then bench_postgres_cpu; fi
}

shape_list=$shapes
[[ "$shape_list" != all ]] || shape_list=study/PatientID,study/PatientName-prefix,study/StudyDate-day,study/StudyDate-month,study/AccessionNumber,series/StudyInstanceUID,image/SeriesInstanceUID
warmup=$(( repeat < 200 ? repeat : 200 ))
IFS=, read -r -a shape_array <<< "$shape_list"
columns() {
  printf '%-9s %-26s %9s %9s %9s %9s %9s %6s %13s %13s %9s\n' client shape median_ms p90_ms p99_ms \
    max_ms matches empty client_cpu_ms server_cpu_ms db_cpu_ms
}
# time_shape LABEL SHAPE CLIENT ARGS...: SHAPE by CLIENT (find_client,
# qido_client) with ARGS, one line, with the server's CPU per query (and the
# database server's, on a PostgreSQL of the script's own).
time_shape() {
  local label=$1 shape=$2 client=$3 line before after db_before db_after
  shift 3
  before=$(server_cpu) db_before=$(db_cpu)
  line=$(TCP_NODELAY=1 "$bin/$client" "$@" --instances "$instances" \
           --repeat "$repeat" --shapes "$shape" --header 0)
  after=$(server_cpu) db_after=$(db_cpu)
  printf '%-9s %s %13.3f %9s\n' "$label" "$line" \
    "$(echo "($after - $before) * 1000 / ($repeat + $warmup)" | bc -l)" \
    "$([[ -z "$db_before" ]] && echo - ||
       echo "($db_after - $db_before) * 1000 / ($repeat + $warmup)" | bc -l | xargs printf '%.3f')"
}

echo
echo "== over DICOM (pixeldex serve on port $port, find_client; one association per shape"
echo "   and client, the clients alternating shape by shape: $clients)"
IFS=' ' read -r -a client_array <<< "$clients"
for client in "${client_array[@]}"; do
  [[ "$client" != dcmscu ]] || continue
  # Every sample of every shape, once by this client and once by DcmSCU on a
  # second association: the same matches and final status, or exit 1.
  TCP_NODELAY=1 "$bin/find_client" --port "$port" --instances "$instances" --repeat "$repeat" \
    --shapes "$shape_list" --header 0 --client "$client" --verify-with dcmscu | grep '^verified'
done
echo "   client_cpu_ms: the client's CPU per query (getrusage); server_cpu_ms: the server's"
echo "   CPU time per query (/proc/PID/stat over the timed and warm-up queries), a"
echo "   load-independent estimate of server time; db_cpu_ms: the same of the PostgreSQL"
echo "   server (its sessions and background processes)"
columns
for shape in "${shape_array[@]}"; do
  for client in "${client_array[@]}"; do
    time_shape "$client" "$shape" find_client --port "$port" --client "$client"
  done
done

echo
echo "== over QIDO-RS (the same server's HTTP listener on port $http_port, qido_client; one"
echo "   keep-alive connection per shape; the CPU columns as above)"
columns
for shape in "${shape_array[@]}"; do
  time_shape qido "$shape" qido_client --port "$http_port"
done

if [[ $findscu_runs -eq 1 ]]; then
  echo
  echo "== findscu --repeat $repeat, one association, one sample value per shape (mean only)"
  # The first sample of each shape, as find_client's sample 0 (lib.sh).
  bench_find_keys "$index"
  run_findscu() {  # label, keys...
    local label=$1; shift
    local start end
    start=$(date +%s%N)
    TCP_NODELAY=1 findscu -q -aet FINDBENCH -aec PIXELDEX --repeat "$repeat" -S "$@" 127.0.0.1 "$port"
    end=$(date +%s%N)
    printf '%-26s mean %.3f ms/query (association setup included)\n' "$label" \
      "$(echo "($end - $start) / 1000000 / $repeat" | bc -l)"
  }
  run_findscu study/PatientID "${study_keys[@]}" -k "PatientID=$pid"
  run_findscu study/PatientName-prefix "${study_keys[@]}" -k "PatientName=${name_prefix}*"
  run_findscu study/StudyDate-day "${study_keys[@]}" -k "StudyDate=$date"
  run_findscu study/StudyDate-month "${study_keys[@]}" -k "StudyDate=${date:0:6}01-$month_end"
  run_findscu study/AccessionNumber "${study_keys[@]}" -k "AccessionNumber=$accession"
  run_findscu series/StudyInstanceUID -k QueryRetrieveLevel=SERIES -k "StudyInstanceUID=$study_uid" \
    -k SeriesInstanceUID -k Modality -k SeriesNumber -k SeriesDescription -k BodyPartExamined \
    -k SeriesDate -k NumberOfSeriesRelatedInstances
  run_findscu image/SeriesInstanceUID -k QueryRetrieveLevel=IMAGE -k "StudyInstanceUID=$study_uid" \
    -k "SeriesInstanceUID=$series_uid" -k SOPInstanceUID -k SOPClassUID -k InstanceNumber \
    -k Rows -k Columns -k ImageType
fi

#!/usr/bin/env bash
# C-FIND benchmark (bench/README.md "C-FIND").
#
#   bench/find_bench.sh [--instances N] [--index FILE] [--repeat R] [--build DIR]
#                       [--shapes a,b,...] [--skip-findscu] [--storage DIR]
#
# 1. builds the synthetic index of N instances with build_find_index (unless
#    FILE exists; default FILE: DIR/bench/find-index-N.db);
# 2. runs the query shapes in-process through the C-FIND engine
#    (find_sql_bench: EXPLAIN QUERY PLAN, then latency per query);
# 3. starts `pixeldex serve --port 0` on that index, reads the port from its
#    "listening on" line, and times the same shapes over one association per
#    shape with find_client (DcmSCU, per-query median/p99), with the server's
#    CPU time per query from /proc;
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
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --skip-findscu) findscu_runs=0; shift ;;
    --storage) bench_storage=$2; shift 2 ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
bin="$build/bench"
bench_require_built "$build" "$bin/build_find_index" "$bin/find_sql_bench" "$bin/find_client" \
  "$bin/qido_client" "$build/pixeldex"
[[ -n "$index" ]] || index="$bin/find-index-$instances.db"

echo "== machine: $(bench_machine)," \
     "$(date -u +%Y-%m-%dT%H:%MZ), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')"

bench_synthetic_index "$bin" "$index" "$instances"

echo
echo "== in-process (query::RunFind, no network)"
"$bin/find_sql_bench" --index "$index" --instances "$instances" --repeat "$repeat" --shapes "$shapes"

bench_serve "$build" "$index" --no-thumbnails --http 127.0.0.1:0
port=$dicom_port

# CPU seconds (user + system) the server has used so far, all threads.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server_pid/stat"
}

echo
echo "== over DICOM (pixeldex serve on port $port, find_client; one association per shape)"
echo "   server_cpu_ms: the server's CPU time per query (/proc/PID/stat over the timed and"
echo "   warm-up queries), a load-independent estimate of server time"
printf '%-26s %9s %9s %9s %9s %9s %6s %13s\n' shape median_ms p90_ms p99_ms max_ms matches empty server_cpu_ms
shape_list=$shapes
[[ "$shape_list" != all ]] || shape_list=study/PatientID,study/PatientName-prefix,study/StudyDate-day,study/StudyDate-month,study/AccessionNumber,series/StudyInstanceUID,image/SeriesInstanceUID
warmup=$(( repeat < 200 ? repeat : 200 ))
IFS=, read -r -a shape_array <<< "$shape_list"
for shape in "${shape_array[@]}"; do
  before=$(server_cpu)
  line=$(TCP_NODELAY=1 "$bin/find_client" --port "$port" --instances "$instances" \
           --repeat "$repeat" --shapes "$shape" --header 0)
  after=$(server_cpu)
  printf '%s %13.3f\n' "$line" "$(echo "($after - $before) * 1000 / ($repeat + $warmup)" | bc -l)"
done

echo
echo "== over QIDO-RS (the same server's HTTP listener on port $http_port, qido_client; one"
echo "   keep-alive connection per shape; server_cpu_ms as above)"
printf '%-26s %9s %9s %9s %9s %9s %6s %13s\n' shape median_ms p90_ms p99_ms max_ms matches empty server_cpu_ms
for shape in "${shape_array[@]}"; do
  before=$(server_cpu)
  line=$("$bin/qido_client" --port "$http_port" --instances "$instances" \
           --repeat "$repeat" --shapes "$shape" --header 0)
  after=$(server_cpu)
  printf '%s %13.3f\n' "$line" "$(echo "($after - $before) * 1000 / ($repeat + $warmup)" | bc -l)"
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

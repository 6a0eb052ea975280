#!/usr/bin/env bash
# Instructions per C-FIND (bench/README.md "C-FIND"): runs `pixeldex serve`
# on an index under callgrind (instrumentation off until every shape has run
# once), then per shape one findscu association of R queries, one callgrind
# dump each; prints the server's instructions (Ir) per query. Load-independent,
# unlike the round trips of find_bench.sh. With --qido N (the index's instance
# count), the same shapes as QIDO-RS searches afterwards (qido_client: its
# sample queries of an N-instance synthetic archive, R timed and R warm-up
# searches per shape; Ir per search).
#
#   bench/find_callgrind.sh --index FILE [--build DIR] [--repeat R] [--out DIR]
#                           [--storage DIR] [--qido N]
# --storage DIR: the server's storage folder, kept (lib.sh bench_serve), so
# that only the first start on an index walks it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
build="$(dirname "$here")/build"
index=""
repeat=20
out=""
qido_instances=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --index) index=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --storage) bench_storage=$2; shift 2 ;;
    --qido) qido_instances=$2; shift 2 ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
[[ -n "$index" ]] || { sed -n '2,14p' "$0"; exit 2; }
[[ -z "$qido_instances" ]] || bench_require_built "$build" "$build/bench/qido_client"
[[ -n "$out" ]] || out=$(mktemp -d)
mkdir -p "$out"
bench_serve_prefix=(valgrind --tool=callgrind --instr-atstart=no --compress-strings=no --compress-pos=no
                    "--callgrind-out-file=$out/callgrind.out.%p")
bench_serve "$build" "$index" --no-thumbnails --http 127.0.0.1:0
port=$dicom_port

bench_find_keys "$index"  # lib.sh: the keys of find_bench.sh's findscu runs
declare -A keys
keys[study/PatientID]="-k PatientID=$pid"
keys[study/PatientName-prefix]="-k PatientName=${name_prefix}*"
keys[study/StudyDate-day]="-k StudyDate=$date"
keys[study/StudyDate-month]="-k StudyDate=${date:0:6}01-$month_end"
keys[study/AccessionNumber]="-k AccessionNumber=$accession"
shapes=(study/PatientID study/PatientName-prefix study/StudyDate-day study/StudyDate-month
        study/AccessionNumber series/StudyInstanceUID image/SeriesInstanceUID)
run() {  # shape, repeat
  local shape=$1 r=$2
  case "$shape" in
    study/*) # shellcheck disable=SC2086
      findscu -q -aet FINDBENCH -aec PIXELDEX --repeat "$r" -S "${study_keys[@]}" ${keys[$shape]} 127.0.0.1 "$port" ;;
    series/*) findscu -q -aet FINDBENCH -aec PIXELDEX --repeat "$r" -S -k QueryRetrieveLevel=SERIES \
      -k "StudyInstanceUID=$study_uid" -k SeriesInstanceUID -k Modality -k SeriesNumber \
      -k SeriesDescription -k BodyPartExamined -k SeriesDate -k NumberOfSeriesRelatedInstances \
      127.0.0.1 "$port" ;;
    image/*) findscu -q -aet FINDBENCH -aec PIXELDEX --repeat "$r" -S -k QueryRetrieveLevel=IMAGE \
      -k "StudyInstanceUID=$study_uid" -k "SeriesInstanceUID=$series_uid" -k SOPInstanceUID \
      -k SOPClassUID -k InstanceNumber -k Rows -k Columns -k ImageType 127.0.0.1 "$port" ;;
  esac
}
run_qido() {  # shape, repeat
  "$build/bench/qido_client" --port "$http_port" --instances "$qido_instances" --repeat "$2" \
    --shapes "$1" --header 0 > /dev/null
}
for shape in "${shapes[@]}"; do run "$shape" 2; done  # warm the reader pool's caches
[[ -z "$qido_instances" ]] || for shape in "${shapes[@]}"; do run_qido "$shape" 2; done
callgrind_control -i on "$server_pid" > /dev/null 2>&1
dumps=0
measure() {  # label, command...: the server's Ir over the command, divided by `per`
  local label=$1; shift
  callgrind_control -z "$server_pid" > /dev/null 2>&1
  "$@"
  callgrind_control -d "${label//\//-}" "$server_pid" > /dev/null 2>&1
  # valgrind's pid is the server's; the dump is complete once it has its totals.
  local dump="$out/callgrind.out.$server_pid.$(( ++dumps ))"
  until grep -q '^totals:' "$dump" 2>/dev/null; do sleep 1; done
  printf '%-31s %12d\n' "$label" $(( $(awk '/^totals:/ { print $2 }' "$dump") / per ))
}
printf '%-31s %12s\n' shape Ir_per_query
per=$repeat
for shape in "${shapes[@]}"; do measure "$shape" run "$shape" "$repeat"; done
if [[ -n "$qido_instances" ]]; then
  per=$(( repeat + (repeat < 200 ? repeat : 200) ))  # qido_client's warm-up searches too
  for shape in "${shapes[@]}"; do measure "qido $shape" run_qido "$shape" "$repeat"; done
fi

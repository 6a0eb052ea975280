#!/usr/bin/env bash
# Instructions per C-FIND (bench/README.md "C-FIND"): runs `pixeldex serve`
# on an index under callgrind (instrumentation off until every shape has run
# once), then per shape one findscu association of R queries, one callgrind
# dump each; prints the server's instructions (Ir) per query. Load-independent,
# unlike the round trips of find_bench.sh.
#
#   bench/find_callgrind.sh --index FILE [--build DIR] [--repeat R] [--out DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
build="$(dirname "$here")/build"
index=""
repeat=20
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --index) index=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) sed -n '2,9p' "$0"; exit 2 ;;
  esac
done
[[ -n "$index" ]] || { sed -n '2,9p' "$0"; exit 2; }
work=$(mktemp -d)
[[ -n "$out" ]] || out=$work
mkdir -p "$out"
mkfifo "$work/stdout"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out.%p" \
  "$build/pixeldex" serve --port 0 --index "$index" --storage "$work/storage" --no-thumbnails \
  > "$work/stdout" 2> "$work/server.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null; rm -rf "$work/storage"' EXIT
exec 3< "$work/stdout"
port=""
while IFS= read -r -t 1200 line <&3; do
  if [[ "$line" =~ listening\ on\ [^:]+:([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi
done
[[ -n "$port" ]] || { cat "$work/server.log" >&2; exit 1; }
cat <&3 > /dev/null &

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
for shape in "${shapes[@]}"; do run "$shape" 2; done  # warm the reader pool's caches
callgrind_control -i on "$server_pid" > /dev/null 2>&1
printf '%-26s %12s\n' shape Ir_per_query
dumps=0
for shape in "${shapes[@]}"; do
  callgrind_control -z "$server_pid" > /dev/null 2>&1
  run "$shape" "$repeat"
  callgrind_control -d "${shape//\//-}" "$server_pid" > /dev/null 2>&1
  # valgrind's pid is the server's; the dump is complete once it has its totals.
  dump="$out/callgrind.out.$server_pid.$(( ++dumps ))"
  until grep -q '^totals:' "$dump" 2>/dev/null; do sleep 1; done
  total=$(awk '/^totals:/ { print $2 }' "$dump")
  printf '%-26s %12d\n' "$shape" $(( total / repeat ))
done

#!/usr/bin/env bash
# The web page's API calls against a synthetic index (bench/README.md "Web page").
#
#   bench/web_bench.sh [--instances N] [--index FILE] [--repeat R] [--build DIR]
#
# 1. builds the synthetic index of N instances with build_find_index (the
#    C-FIND benchmark's archive; unless FILE exists);
# 2. starts `pixeldex serve --http 127.0.0.1:0` on it (ports read from its
#    "listening" lines; no users: loopback);
# 3. times each call the page makes, R times (one curl per call, a new
#    connection each time, as a cold browser tab would), and prints the
#    median, p90 and max in ms, and the HTTP status.
# Needs the project built (cmake --build DIR --target pixeldex build_find_index).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
instances=1000000
index=""
repeat=50
build="$root/build"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --instances) instances=$2; shift 2 ;;
    --index) index=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
bin="$build/bench"
bench_require_built "$build" "$bin/build_find_index" "$build/pixeldex"
[[ -n "$index" ]] || index="$bin/find-index-$instances.db"
bench_synthetic_index "$bin" "$index" "$instances"

bench_serve "$build" "$index" --no-thumbnails --http 127.0.0.1:0
base="http://127.0.0.1:$http_port"

q() { sqlite3 "file:$index?mode=ro" "$1"; }
study=$(q "SELECT study_instance_uid FROM studies LIMIT 1 OFFSET $(( instances / 100 ))")
series=$(q "SELECT series_instance_uid FROM series WHERE study_pk = (SELECT study_pk FROM studies WHERE study_instance_uid = '$study') ORDER BY series_number LIMIT 1")
instance=$(q "SELECT sop_instance_uid FROM instances WHERE series_pk = (SELECT series_pk FROM series WHERE series_instance_uid = '$series') LIMIT 1")
surname=$(q "SELECT substr(patient_name, 1, instr(patient_name, '^') - 1) FROM patients LIMIT 1")
patient_id=$(q "SELECT patient_id FROM patients LIMIT 1")
middle=$(( $(q "SELECT count(*) FROM studies") / 2 / 25 * 25 ))
list_fields="includefield=PatientBirthDate,StudyDescription,ModalitiesInStudy,NumberOfStudyRelatedSeries,NumberOfStudyRelatedInstances&limit=26"

# label, method, path[, JSON body]: R timed requests after one warm-up.
measure() {
  local label=$1 method=$2 path=$3 body=${4:-} status times
  local args=(-s -o /dev/null -w '%{http_code} %{time_total}\n' -X "$method" -H 'Accept: application/dicom+json, application/json')
  [[ -z "$body" ]] || args+=(-H 'Content-Type: application/json' --data "$body")
  curl "${args[@]}" "$base$path" > /dev/null
  times=$(for _ in $(seq "$repeat"); do curl "${args[@]}" "$base$path"; done)
  status=$(echo "$times" | awk '{print $1}' | sort -u | paste -sd/)
  echo "$times" | awk '{print $2 * 1000}' | sort -n | awk -v label="$label" -v status="$status" \
    '{ v[NR] = $1 } END { printf "%-44s %9.1f %9.1f %9.1f %7s\n", label, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR], status }'
}

echo "== machine: $(bench_machine), $(date -u +%Y-%m-%dT%H:%MZ), $instances instances, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %9s %9s %9s %7s\n' call median_ms p90_ms max_ms status
measure "studies, first page" GET "/dicom-web/studies?$list_fields&offset=0"
measure "studies, middle page (offset $middle)" GET "/dicom-web/studies?$list_fields&offset=$middle"
measure "studies, name contains (*$surname*)" GET "/dicom-web/studies?$list_fields&offset=0&PatientName=*$surname*"
measure "studies, patient ID prefix" GET "/dicom-web/studies?$list_fields&offset=0&PatientID=$patient_id*"
measure "studies, one month, CT" GET "/dicom-web/studies?$list_fields&offset=0&StudyDate=20200301-20200331&ModalitiesInStudy=CT"
measure "open study: the study" GET "/dicom-web/studies?StudyInstanceUID=$study&includefield=PatientBirthDate,PatientSex,StudyDescription"
measure "open study: its series" GET "/dicom-web/studies/$study/series?includefield=SeriesDescription,NumberOfSeriesRelatedInstances"
measure "open study: instances of a series" GET "/dicom-web/studies/$study/series/$series/instances"
measure "open study: metadata of an instance" GET "/dicom-web/studies/$study/series/$series/instances/$instance/metadata"
measure "open study: file facts (/api/instances)" GET "/api/instances/$instance"
measure "live poll (/api/changes)" GET "/api/changes"
measure "SQL: studies per month (chart)" POST "/api/query" \
  '{"sql": "SELECT substr(study_date, 1, 6) AS month, count(*) FROM studies GROUP BY 1 ORDER BY 1"}'

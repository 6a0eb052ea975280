#!/usr/bin/env bash
# DICOMweb against Orthanc with its DICOMweb plugin, in the same run
# (bench/README.md "DICOMweb against Orthanc"):
#   bench/dicomweb_bench.sh [--files N] [--size PIXELS] [--per-series N] [--batch K]
#                           [--repeat R] [--work DIR]
# 1. installs Debian's orthanc and orthanc-dicomweb when missing (the
#    bench only; CI never needs them), keeping their service stopped;
# 2. generates a corpus with make_corpus (PER-SERIES slices per series, 2
#    series per study) and its STOW-RS bodies of K instances;
# 3. starts pixeldex (everything on: fsync, index, thumbnails) and Orthanc
#    (SQLite index, files synced, DICOMweb plugin; both on loopback, no
#    authentication), and for each, one after the other:
#    - STOW-RS of the corpus (curl, one request after the other): inst/s;
#    - QIDO-RS study search by patient name prefix, and by Study UID: ms;
#    - WADO-RS metadata of the first series (PER-SERIES instances): ms;
#    - WADO-RS retrieve of the first study (transfer-syntax=*): MB/s;
#    - thumbnails of the first series' instances, one keep-alive
#      connection: images/s. pixeldex: /thumbnail; Orthanc's plugin 1.7
#      has no thumbnail resource, so its /rendered?viewport=128,128 (PNG).
#    medians of R timed requests after one warm-up;
# 4. prints one line per measure with both figures and pixeldex/Orthanc as
#    a speed ratio (>1: pixeldex faster).
# Needs cmake --build build --target pixeldex make_corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

files=1000 size=256 per_series=500 batch=50 repeat=10 work=""
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --per-series) per_series=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) sed -n '2,23p' "$0" >&2; exit 2 ;;
  esac
done
bench_require_built build build/pixeldex build/bench/make_corpus
[[ -n $work ]] || work=$(mktemp -d)
plugin=/usr/share/orthanc/plugins/libOrthancDicomWeb.so
if ! command -v Orthanc >/dev/null || [[ ! -f $plugin ]]; then
  # policy-rc.d keeps the packages from starting their service.
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends orthanc orthanc-dicomweb >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

now() { date +%s.%N; }

echo "== corpus: $files files of ${size}x${size}x16, $per_series per series"
rm -rf "$work/corpus"
build/bench/make_corpus --out "$work/corpus" --files "$files" --size "$size" \
  --per-series "$per_series" >/dev/null
find "$work/corpus" -type f | sort >"$work/list"
count=$(wc -l <"$work/list")
boundary="pixeldex-dicomweb-bench"
bench_stow_bodies "$work/list" "$batch" "$boundary" "$work/bodies"

# The peers: pixeldex through bench_serve, Orthanc on ports picked here.
bench_serve build "$work/pixeldex-index.db" --http 127.0.0.1:0
pixeldex="http://127.0.0.1:$http_port/dicom-web"
rm -rf "$work/orthanc" && mkdir -p "$work/orthanc"
orthanc_http=$(bench_free_port)
cat >"$work/orthanc/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$work/orthanc/storage",
  "IndexDirectory": "$work/orthanc/index", "DicomAet": "ORTHANC",
  "DicomPort": $(bench_free_port), "HttpPort": $orthanc_http,
  "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "Plugins": ["$plugin"], "DicomWeb": { "Enable": true, "Root": "/dicom-web/" } }
JSON
Orthanc "$work/orthanc/orthanc.json" >/dev/null 2>"$work/orthanc/log" &
orthanc_pid=$!
stop_all() {
  kill -TERM "$orthanc_pid" 2>/dev/null || true
  wait "$orthanc_pid" 2>/dev/null || true
  bench_stop_server
}
trap stop_all EXIT
orthanc="http://127.0.0.1:$orthanc_http/dicom-web"
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$orthanc_http/system" >/dev/null && break
  kill -0 "$orthanc_pid" 2>/dev/null || { cat "$work/orthanc/log" >&2; exit 1; }
  sleep 0.1
done

# stow BASE: STOW-RS of every body; prints instances/s.
stow() {
  local t0 t1
  t0=$(now)
  bench_stow "$1/studies" "$boundary" "$work/bodies"
  t1=$(now)
  echo "$count / ($t1 - $t0)" | bc -l
}
# median_ms URL [HEADER]: the median time of R requests after one warm-up.
median_ms() {
  local args=(-s -o /dev/null -w '%{http_code} %{time_total}\n')
  [[ -z ${2:-} ]] || args+=(-H "$2")
  curl "${args[@]}" "$1" >/dev/null
  for _ in $(seq "$repeat"); do curl "${args[@]}" "$1"; done |
    awk '$1 != 200 { bad = $1 } { print $2 * 1000 } END { if (bad) print "status " bad > "/dev/stderr" }' |
    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# retrieve_mbps URL: MB/s of the median of R retrievals of URL (every syntax).
retrieve_mbps() {
  local accept='Accept: multipart/related; type="application/dicom"; transfer-syntax=*'
  local bytes ms
  bytes=$(curl -s -H "$accept" "$1" | wc -c)
  ms=$(median_ms "$1" "$accept")
  echo "$bytes / 1000 / $ms" | bc -l
}
# images_per_s URL_FILE: a single curl fetching every URL in turn on one
# keep-alive connection; images/s.
images_per_s() {
  local t0 t1 n
  n=$(wc -l <"$1")
  sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$1" >"$1.curl"
  curl -s -f -H 'Accept: image/png' -K "$1.curl" || { echo "a thumbnail failed: $1" >&2; exit 1; }
  t0=$(now)
  curl -s -f -H 'Accept: image/png' -K "$1.curl"
  t1=$(now)
  echo "$n / ($t1 - $t0)" | bc -l
}

echo "== STOW-RS (requests of $batch)"
pixeldex_stow=$(stow "$pixeldex")
orthanc_stow=$(stow "$orthanc")

study=$(dcmdump +P StudyInstanceUID "$(head -1 "$work/list")" | sed 's/.*\[\(.*\)\].*/\1/')
series=$(dcmdump +P SeriesInstanceUID "$(head -1 "$work/list")" | sed 's/.*\[\(.*\)\].*/\1/')
head -"$per_series" "$work/list" | xargs -n 50 dcmdump +P SOPInstanceUID |
  sed 's/.*\[\(.*\)\].*/\1/' >"$work/sops"
sed "s|.*|$pixeldex/studies/$study/series/$series/instances/&/thumbnail|" "$work/sops" >"$work/pixeldex-thumbs"
sed "s|.*|$orthanc/studies/$study/series/$series/instances/&/rendered?viewport=128,128|" \
  "$work/sops" >"$work/orthanc-thumbs"

json='Accept: application/dicom+json'
declare -A p o
p[qido_name]=$(median_ms "$pixeldex/studies?PatientName=Bench*&limit=100" "$json")
o[qido_name]=$(median_ms "$orthanc/studies?PatientName=Bench*&limit=100" "$json")
p[qido_uid]=$(median_ms "$pixeldex/studies?StudyInstanceUID=$study" "$json")
o[qido_uid]=$(median_ms "$orthanc/studies?StudyInstanceUID=$study" "$json")
p[metadata]=$(median_ms "$pixeldex/studies/$study/series/$series/metadata" "$json")
o[metadata]=$(median_ms "$orthanc/studies/$study/series/$series/metadata" "$json")
p[retrieve]=$(retrieve_mbps "$pixeldex/studies/$study")
o[retrieve]=$(retrieve_mbps "$orthanc/studies/$study")
p[thumbs]=$(images_per_s "$work/pixeldex-thumbs")
o[thumbs]=$(images_per_s "$work/orthanc-thumbs")

echo "== $(bench_machine), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %12s %12s %8s\n' measure pixeldex orthanc ratio
# row LABEL PIXELDEX ORTHANC higher|lower: the ratio is pixeldex's speed over Orthanc's.
row() {
  local ratio
  if [[ $4 == higher ]]; then ratio=$(echo "$2 / $3" | bc -l); else ratio=$(echo "$3 / $2" | bc -l); fi
  printf '%-46s %12.1f %12.1f %8.2f\n' "$1" "$2" "$3" "$ratio"
}
row "STOW-RS, inst/s ($count)" "$pixeldex_stow" "$orthanc_stow" higher
row "QIDO studies PatientName=Bench*, ms" "${p[qido_name]}" "${o[qido_name]}" lower
row "QIDO studies by StudyInstanceUID, ms" "${p[qido_uid]}" "${o[qido_uid]}" lower
row "series metadata ($per_series instances), ms" "${p[metadata]}" "${o[metadata]}" lower
row "WADO-RS study retrieve, MB/s" "${p[retrieve]}" "${o[retrieve]}" higher
row "thumbnails ($per_series, one connection), /s" "${p[thumbs]}" "${o[thumbs]}" higher

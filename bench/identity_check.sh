#!/usr/bin/env bash
# Byte identity of what two builds store for the same files (bench/README.md
# "CPU per instance and import, second pass"): stored files, thumbnails
# (status, size, PNG bytes), header JSON and the typed columns of
# instance_details (all but keys and times), each compared by digest.
#   bench/identity_check.sh BUILD_A BUILD_B [--files N] [--work DIR]
# Imports N make_corpus files of 512x512 and N of 64x64 (default 60 each)
# into a fresh archive per build; exits 1 at the first difference.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
(($# >= 2)) || { echo "usage: $0 BUILD_A BUILD_B [--files N] [--work DIR]" >&2; exit 2; }
a=$1 b=$2; shift 2
files=60 work=""
while (($#)); do
  case $1 in
    --files) files=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 BUILD_A BUILD_B [--files N] [--work DIR]" >&2; exit 2 ;;
  esac
done
for build in "$a" "$b"; do bench_require_built "$build" "$build/pixeldex"; done
bench_require_built build build/bench/make_corpus
[[ -n $work ]] || work=$(mktemp -d)
rm -rf "$work/src" && mkdir -p "$work/src"
build/bench/make_corpus --out "$work/src/big" --files "$files" --size 512 >/dev/null
build/bench/make_corpus --out "$work/src/tiny" --files "$files" --size 64 >/dev/null

columns="sop_instance_uid, sop_class_uid, instance_number, transfer_syntax_uid, rows, columns,
  number_of_frames, path, size_bytes, sha256, calling_aet, source, series_instance_uid, modality,
  series_number, series_description, body_part_examined, manufacturer, study_instance_uid,
  study_date, study_time, accession_number, study_id, study_description, patient_id, patient_name,
  patient_birth_date, patient_sex, issuer_of_patient_id, referring_physician_name, series_date,
  series_time, institution_name, station_name, content_date, content_time,
  specific_character_set, called_aet, peer_address"
# digests ARCHIVE: one line per fact compared.
digests() {
  local db=$1/index.db
  echo "files $(cd "$1/storage" && find . -name '*.dcm' -type f | sort | xargs sha256sum | sha256sum)"
  echo "thumbnails $(sqlite3 "$db" "SELECT i.sop_instance_uid, t.status, t.width, t.height, hex(t.png)
    FROM instances i JOIN thumbnails t USING (instance_pk) ORDER BY 1" | sha256sum)"
  echo "headers $(sqlite3 "$db" "SELECT i.sop_instance_uid, h.json
    FROM instances i JOIN headers h USING (instance_pk) ORDER BY 1" | sha256sum)"
  echo "rows $(sqlite3 "$db" "SELECT $columns FROM instance_details ORDER BY 1" | sha256sum)"
  echo "instances $(sqlite3 "$db" "SELECT count(*) FROM instances")"
}
for build in "$a" "$b"; do
  name=$(echo "$build" | tr / _)
  rm -rf "$work/$name"
  "$build/pixeldex" import --storage "$work/$name/storage" --index "$work/$name/index.db" \
    "$work/src" >/dev/null
  digests "$work/$name" > "$work/$name.digests"
done
if diff "$work/$(echo "$a" | tr / _).digests" "$work/$(echo "$b" | tr / _).digests"; then
  echo "IDENTICAL: $(wc -l < "$work/$(echo "$a" | tr / _).digests") facts of $((2 * files)) files"
else
  echo "DIFFERENT (archives in $work)"; exit 1
fi

# Shell helpers shared by the benchmark scripts; source it, do not run it.

# bench_require_built BUILD TOOL...: exits 1 unless every TOOL is an
# executable, naming the first one missing and the build to run.
bench_require_built() {
  local build=$1; shift
  local tool
  for tool in "$@"; do
    [[ -x "$tool" ]] || { echo "missing $tool: run cmake --build $build first" >&2; exit 1; }
  done
}

# bench_machine: "N cores, CPU model", the start of each report's machine line.
bench_machine() {
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

# bench_serve BUILD INDEX [SERVE_ARGS...]: starts `pixeldex serve --port 0
# SERVE_ARGS...` on INDEX (e.g. --no-thumbnails, --http 127.0.0.1:0), with
# its storage and log in a temporary folder that goes, with the server, at
# bench_stop_server or when the script exits; returns once the DICOM
# listener accepts (after start-up reconciliation: with no files behind
# synthetic rows, the first start walks the archive and reports them all
# missing, about 100 s for 1M; later starts read only the in-flight journal,
# well under a second; bench/startup_bench.sh). Sets server_pid,
# dicom_port and http_port (empty without --http). One server at a time.
# With the array bench_serve_prefix set (e.g. a valgrind command line), the
# server runs under it. With bench_storage set, that folder is the storage
# instead (kept: after its first start, later starts on the same index skip
# the walk).
bench_serve() {
  local build=$1 index=$2 line
  shift 2
  bench_work=$(mktemp -d)
  trap bench_stop_server EXIT
  mkfifo "$bench_work/stdout"
  "${bench_serve_prefix[@]}" "$build/pixeldex" serve --port 0 --index "$index" --storage "${bench_storage:-$bench_work/storage}" \
    "$@" > "$bench_work/stdout" 2> "$bench_work/server.log" &
  server_pid=$!
  exec 3< "$bench_work/stdout"
  dicom_port=""
  http_port=""
  while IFS= read -r -t 600 line <&3; do
    if [[ "$line" =~ http\ listening\ on\ [^:]+:([0-9]+) ]]; then http_port=${BASH_REMATCH[1]}; continue; fi
    if [[ "$line" =~ listening\ on\ [^:]+:([0-9]+) ]]; then dicom_port=${BASH_REMATCH[1]}; break; fi
  done
  if [[ -z "$dicom_port" ]]; then
    echo "server did not come up:" >&2
    cat "$bench_work/server.log" >&2
    exit 1
  fi
  cat <&3 > /dev/null &  # keep draining its stdout
}

# bench_stop_server: stops the server bench_serve started (SIGTERM, waits)
# and removes its folder; then another may be started.
bench_stop_server() {
  if [[ -n "${server_pid:-}" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "${bench_work:-}"
  server_pid="" bench_work=""
}

# bench_synthetic_index BIN INDEX N: builds the C-FIND benchmark's synthetic
# archive of N instances into INDEX with BIN/build_find_index, unless INDEX
# exists.
bench_synthetic_index() {
  if [[ ! -f "$2" ]]; then
    echo "== building $2"
    "$1/build_find_index" --out "$2" --instances "$3"
  fi
}

# bench_free_port: a TCP port free on 127.0.0.1 now (for peers that cannot
# listen on port 0 and say which port they got, such as Orthanc).
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_stow_bodies LIST BATCH BOUNDARY DIR: writes into DIR (emptied) the
# STOW-RS bodies of the files named in LIST, BATCH files each (multipart/
# related, RFC 2046; PS3.18 10.5.1.1), as DIR/body.NNNN.
bench_stow_bodies() {
  local list=$1 batch=$2 boundary=$3 dir=$4 part_list body file
  rm -rf "$dir" && mkdir -p "$dir"
  split -l "$batch" -d -a 4 "$list" "$dir/list."
  for part_list in "$dir"/list.*; do
    body="${part_list/list./body.}"
    while read -r file; do
      printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$boundary"
      cat "$file"
      printf '\r\n'
    done <"$part_list" >"$body"
    printf -- '--%s--\r\n' "$boundary" >>"$body"
  done
}

# bench_stow URL BOUNDARY DIR: POSTs each DIR/body.* to URL (…/studies) with
# curl, one after the other; exits 1 unless each is answered 200.
bench_stow() {
  local body code
  for body in "$3"/body.*; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "@$body" \
      -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=$2" "$1")
    [[ $code == 200 ]] || { echo "STOW to $1 answered $code" >&2; exit 1; }
  done
}

# bench_find_keys INDEX: the sample keys of the findscu runs of the C-FIND
# benchmarks (find_bench.sh, find_callgrind.sh), from the first study of the
# synthetic index: sets study_uid, series_uid, pid, name_prefix, date,
# accession, month_end and study_keys (the study level's return keys).
bench_find_keys() {
  local db="file:$1?mode=ro" row
  study_uid=$(sqlite3 "$db" "SELECT study_instance_uid FROM studies LIMIT 1")
  series_uid=$(sqlite3 "$db" \
    "SELECT series_instance_uid FROM series WHERE study_pk = (SELECT study_pk FROM studies LIMIT 1) ORDER BY series_number LIMIT 1")
  row=$(sqlite3 -separator ' ' "$db" \
    "SELECT p.patient_id, substr(p.patient_name, 1, instr(p.patient_name, '^') + 1), st.study_date, st.accession_number FROM studies st JOIN patients p USING (patient_pk) LIMIT 1")
  read -r pid name_prefix date accession <<< "$row"
  month_end=$(date -u -d "${date:0:6}01 +1 month -1 day" +%Y%m%d)
  # Return keys first: findscu lets a later -k of the same tag override an
  # earlier one, so the matching key must come last.
  study_keys=(-k QueryRetrieveLevel=STUDY -k StudyDate -k StudyTime -k AccessionNumber -k ModalitiesInStudy
              -k ReferringPhysicianName -k StudyDescription -k PatientName -k PatientID
              -k PatientBirthDate -k PatientSex -k StudyInstanceUID -k StudyID
              -k NumberOfStudyRelatedSeries -k NumberOfStudyRelatedInstances)
}

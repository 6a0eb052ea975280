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
# server runs under it.
bench_serve() {
  local build=$1 index=$2 line
  shift 2
  bench_work=$(mktemp -d)
  trap bench_stop_server EXIT
  mkfifo "$bench_work/stdout"
  "${bench_serve_prefix[@]}" "$build/pixeldex" serve --port 0 --index "$index" --storage "$bench_work/storage" \
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

# bench_children_cpu_seconds FILE: CPU seconds (user + system) of this
# shell's reaped children, e.g. the senders (bash's `times`, second line),
# into FILE: call it in the shell that ran them, not in a $(...) subshell.
bench_children_cpu_seconds() {
  times > "$1.times"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' \
    "$1.times" > "$1"
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

# bench_stow URL BOUNDARY DIR [CLIENT]: POSTs each DIR/body.* to URL
# (…/studies), one after the other; exits 1 unless each is answered 200.
# CLIENT says how:
#   keepalive (default): one curl process, every request on one kept-alive
#     connection (curl --next), each body streamed from its file with a
#     Content-Length (-T; curl adds "Expect: 100-continue"), as dcmsend
#     sends a corpus on one association;
#   chunked: the same with Transfer-Encoding: chunked and no Expect, as
#     dicomweb-client's store_instances sends a body over 1 MB (1 MB chunks
#     on a requests.Session);
#   each: a curl process and a connection per request, the body read whole
#     into memory first (--data-binary @file), as before 2026-12-06.
bench_stow() {
  local url=$1 boundary=$2 dir=$3 client=${4:-keepalive} body codes
  local type="Content-Type: multipart/related; type=\"application/dicom\"; boundary=$boundary"
  local bodies=("$dir"/body.*) args=()
  case $client in
    each)
      codes=$(for body in "${bodies[@]}"; do
        curl -s -o /dev/null -w '%{http_code}\n' -X POST --data-binary "@$body" -H "$type" "$url"
      done) ;;
    keepalive|chunked)
      for body in "${bodies[@]}"; do
        ((${#args[@]})) && args+=(--next)
        args+=(-s -o /dev/null -w '%{http_code}\n' -X POST -T "$body" -H "$type" "$url")
        [[ $client == chunked ]] && args+=(-H "Transfer-Encoding: chunked" -H "Expect:")
      done
      codes=$(curl "${args[@]}") ;;
    *) echo "bench_stow: unknown client $client" >&2; exit 2 ;;
  esac
  if [[ $(grep -c '^200$' <<<"$codes") != "${#bodies[@]}" ]]; then
    echo "STOW to $url answered" $codes >&2
    exit 1
  fi
}

# bench_warm_corpus DIR FILES SIZE BATCH BOUNDARY: FILES + 1 make_corpus
# instances of SIZE x SIZE pixels in DIR/corpus: the first warms a server
# up (DIR/warm, its STOW-RS body in DIR/warm-body), the others are measured
# (DIR/list, their bodies of BATCH in DIR/bodies). Sets count (FILES).
bench_warm_corpus() {
  local dir=$1 files=$2 size=$3 batch=$4 boundary=$5
  build/bench/make_corpus --out "$dir/corpus" --files "$((files + 1))" --size "$size" >/dev/null
  find "$dir/corpus" -type f | sort >"$dir/all"
  head -n 1 "$dir/all" >"$dir/warm"
  tail -n +2 "$dir/all" >"$dir/list"
  count=$(wc -l <"$dir/list")
  bench_stow_bodies "$dir/warm" 1 "$boundary" "$dir/warm-body"
  bench_stow_bodies "$dir/list" "$batch" "$boundary" "$dir/bodies"
}

# bench_send MODE LIST BODIES BOUNDARY [CLIENT]: to the server bench_serve
# started, the files of LIST by dcmsend on one association (MODE cstore),
# or BODIES by STOW-RS (bench_stow, its CLIENT).
bench_send() {
  if [[ $1 == cstore ]]; then
    TCP_NODELAY=1 xargs -a "$2" dcmsend -aec PIXELDEX 127.0.0.1 "$dicom_port" >/dev/null 2>&1
  else
    bench_stow "http://127.0.0.1:$http_port/dicom-web/studies" "$4" "$3" "${5:-keepalive}"
  fi
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

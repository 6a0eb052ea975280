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
# listener accepts. The storage starts empty and marked `.journal-complete`
# (every file of its layout without rows is in the in-flight journal, which
# is true of a tree without files), so start-up reconciliation reads only
# the journal instead of walking the index's rows against files that do not
# exist (about 100 s for 1M synthetic rows; bench/startup_bench.sh). Sets server_pid,
# dicom_port and http_port (empty without --http). One server at a time.
# With the array bench_serve_prefix set (e.g. a valgrind command line), the
# server runs under it. With bench_storage set, that folder is the storage
# instead (kept: after its first start, later starts on the same index skip
# the walk).
bench_serve() {
  local build=$1 index=$2 line
  shift 2
  bench_work=$(mktemp -d)
  trap bench_cleanup EXIT
  mkdir -p "$bench_work/storage/.journal-complete"
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

# bench_cleanup: at exit, stops what bench_serve and bench_postgres_start
# started.
bench_cleanup() {
  bench_stop_server
  bench_postgres_stop
}

# bench_postgres_start DIR [NAME=VALUE...]: a PostgreSQL cluster of the
# benchmark's own in DIR (initdb unless DIR holds one: C locale, UTF-8, trust
# authentication, superuser `pixeldex`, database `pixeldex`), started on a
# free loopback port with its socket in DIR and the settings NAME=VALUE
# (postgres -c; fsync and synchronous_commit stay on, as a production
# server's). As root the server runs as the user `postgres` (it refuses
# root), so DIR goes to that user. Sets pg_uri (postgresql://pixeldex@
# 127.0.0.1:PORT/pixeldex), pg_dir and pg_postmaster (its process id);
# stopped by bench_postgres_stop or when the script exits. Put DIR on a
# disk, not /dev/shm, for figures with real flushes.
bench_postgres_start() {
  local dir=$1 bin port setting as=()
  shift
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [[ -x "$bin/initdb" ]] || { echo "no PostgreSQL server: run scripts/install-deps.sh" >&2; exit 1; }
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U pixeldex --auth=trust --locale=C --encoding=UTF8 \
      > "$dir/initdb.log"
  fi
  port=$(bench_free_port)
  local options=(-p "$port" -k "$dir" -h 127.0.0.1)
  for setting in "$@"; do options+=(-c "$setting"); done
  "${as[@]}" "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 300 \
    -o "${options[*]}" > /dev/null
  trap bench_cleanup EXIT
  pg_dir=$dir
  pg_postmaster=$(head -1 "$dir/data/postmaster.pid")
  pg_uri="postgresql://pixeldex@127.0.0.1:$port/pixeldex"
  psql -h "$dir" -p "$port" -U pixeldex -d postgres -qAt \
    -c "SELECT 1 FROM pg_database WHERE datname = 'pixeldex'" | grep -q 1 ||
    createdb -h "$dir" -p "$port" -U pixeldex pixeldex
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') in $dir ($(df -T "$dir" | awk 'NR==2 {print $2}')), port $port${*:+, $*}"
}

# bench_postgres_stop: stops the cluster bench_postgres_start started
# (fast shutdown, waits); its data stay in DIR.
bench_postgres_stop() {
  [[ -n "${pg_dir:-}" ]] || return 0
  local as=()
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  "${as[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" stop -D "$pg_dir/data" \
    -m fast -w > /dev/null || true
  pg_dir=""
}

# bench_postgres_cpu: CPU seconds the cluster has used so far: the
# postmaster with its reaped children (closed sessions) and the processes
# still running under it (open sessions, WAL writer, checkpointer).
bench_postgres_cpu() {
  local ticks pid
  ticks=$(getconf CLK_TCK)
  {
    awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pg_postmaster/stat"
    for pid in $(pgrep -P "$pg_postmaster"); do
      awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true
    done
  } | awk -v t="$ticks" '{ s += $1 } END { printf "%.2f\n", s / t }'
}

# bench_postgres_idle URI: waits (up to ~10 s) until no client but this
# check is connected to the cluster, so that the CPU of the sessions a
# client just closed is in bench_postgres_cpu (their processes reaped).
bench_postgres_idle() {
  local _
  for _ in $(seq 1 200); do
    [[ $(psql "$1" -Atq -c "SELECT count(*) FROM pg_stat_activity
           WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()") == 0 ]] && return 0
  done
  return 0
}

# bench_postgres_reset URI: an empty public schema in the database of URI
# (the runs of a benchmark start from nothing).
bench_postgres_reset() {
  psql "$1" -q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' 2>/dev/null
}

# bench_postgres_schema PIXELDEX URI: an empty index of the current schema
# in the database of URI, made by PIXELDEX (`import` of no files).
bench_postgres_schema() {
  local empty
  bench_postgres_reset "$2"
  empty=$(mktemp -d)
  mkdir "$empty/none"
  "$1" import --storage "$empty/storage" --index "$2" "$empty/none" > /dev/null
  rm -rf "$empty"
}

# bench_postgres_empty URI: removes every row pixeldex wrote (all tables but
# the schema version and the tag dictionary), keeping the schema.
bench_postgres_empty() {
  psql "$1" -q -v ON_ERROR_STOP=1 -c "$(psql "$1" -Atq -c "SELECT 'TRUNCATE ' ||
      string_agg(quote_ident(tablename), ', ') || ' RESTART IDENTITY CASCADE'
    FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('schema_version', 'dicom_dictionary')")"
}

# bench_median VALUES...: the median of the numbers.
bench_median() {
  printf '%s\n' "$@" | sort -g |
    awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_synthetic_index BIN INDEX N: builds the C-FIND benchmark's synthetic
# archive of N instances into INDEX with BIN/build_find_index, unless INDEX
# exists.
# INDEX may be a postgresql:// URI: then, unless its instances table holds
# N rows, the schema is made by `pixeldex import` of nothing (BIN/..
# /pixeldex), the secondary indexes are dropped, the rows go in by COPY
# (build_find_index --copy-sql | psql, one transaction), the indexes are
# made again and the tables analysed.
bench_synthetic_index() {
  if [[ "$2" == postgresql://* ]]; then
    bench_synthetic_postgres "$@"
  elif [[ ! -f "$2" ]]; then
    echo "== building $2"
    "$1/build_find_index" --out "$2" --instances "$3"
  fi
}

bench_synthetic_postgres() {
  local bin=$1 uri=$2 instances=$3 start indexes
  if [[ $(psql "$uri" -Atq -c "SELECT count(*) FROM instances" 2>/dev/null) == "$instances" ]]; then
    return 0
  fi
  echo "== building $instances synthetic instances in PostgreSQL"
  start=$(date +%s)
  bench_postgres_schema "$bin/../pixeldex" "$uri"
  # The secondary indexes (not those of a key or UNIQUE constraint), as the
  # migrations made them: cheaper built once after the load than kept up
  # row by row (the GIN index of 10M headers above all).
  indexes=$(psql "$uri" -Atq -c "SELECT indexdef || ';' FROM pg_indexes
      WHERE schemaname = 'public' AND tablename IN ('patients', 'studies', 'series', 'instances', 'headers')
        AND indexname NOT IN (SELECT conname FROM pg_constraint)")
  psql "$uri" -q -v ON_ERROR_STOP=1 -c "$(sed -E 's/^CREATE (UNIQUE )?INDEX ([a-z_]+) .*/DROP INDEX \2;/' <<< "$indexes")"
  "$bin/build_find_index" --copy-sql --instances "$instances" | psql "$uri" -q -v ON_ERROR_STOP=1 > /dev/null
  echo "   rows copied in $(( $(date +%s) - start )) s; making the indexes again"
  psql "$uri" -q -v ON_ERROR_STOP=1 -c "SET maintenance_work_mem = '1GB'" -c "$indexes" -c "ANALYZE"
  echo "   built in $(( $(date +%s) - start )) s, $(psql "$uri" -Atq -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
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

# bench_index_rows INDEX SQL: the rows of SQL on INDEX (a SQLite file, read
# only, or a postgresql:// URI), one a line, fields separated by a space.
bench_index_rows() {
  if [[ "$1" == postgresql://* ]]; then
    psql "$1" -Atq -F ' ' -c "$2"
  else
    sqlite3 -separator ' ' "file:$1?mode=ro" "$2"
  fi
}

# bench_find_keys INDEX: the sample keys of the findscu runs of the C-FIND
# benchmarks (find_bench.sh, find_callgrind.sh), from the first study of the
# synthetic index (a SQLite file or a postgresql:// URI): sets study_uid,
# series_uid, pid, name_prefix, date, accession, month_end and study_keys
# (the study level's return keys).
bench_find_keys() {
  local index=$1 name
  study_uid=$(bench_index_rows "$index" "SELECT study_instance_uid FROM studies ORDER BY study_pk LIMIT 1")
  series_uid=$(bench_index_rows "$index" \
    "SELECT series_instance_uid FROM series WHERE study_pk = (SELECT min(study_pk) FROM studies) ORDER BY series_number LIMIT 1")
  read -r pid name date accession <<< "$(bench_index_rows "$index" \
    "SELECT p.patient_id, p.patient_name, st.study_date, st.accession_number
     FROM studies st JOIN patients p USING (patient_pk) ORDER BY st.study_pk LIMIT 1")"
  name_prefix="${name%%^*}^$(cut -c1 <<< "${name#*^}")"  # SURNAME^G
  month_end=$(date -u -d "${date:0:6}01 +1 month -1 day" +%Y%m%d)
  # Return keys first: findscu lets a later -k of the same tag override an
  # earlier one, so the matching key must come last.
  study_keys=(-k QueryRetrieveLevel=STUDY -k StudyDate -k StudyTime -k AccessionNumber -k ModalitiesInStudy
              -k ReferringPhysicianName -k StudyDescription -k PatientName -k PatientID
              -k PatientBirthDate -k PatientSex -k StudyInstanceUID -k StudyID
              -k NumberOfStudyRelatedSeries -k NumberOfStudyRelatedInstances)
}

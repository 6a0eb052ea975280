# Sourced by scripts/test.sh and scripts/sanitize.sh (CI's .ci/run).
# stage NAME COMMAND...: runs COMMAND and then prints one line to stderr,
#   stage NAME: 312 s wall, 590 s user + 31 s sys CPU
# so CI's log shows where its time goes (README, "Tests"). CPU counts the
# processes COMMAND waited for, not daemons they left running (a PostgreSQL
# server that a test started with pg_ctl). COMMAND's status is returned, and
# the line is printed when it fails too.
stage() {
  local name=$1
  shift
  local TIMEFORMAT="stage $name: %0R s wall, %0U s user + %0S s sys CPU"
  time "$@"
}

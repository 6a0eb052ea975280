#!/usr/bin/env bash
# The README's second command, and CI's (.ci/run): install dependencies, build
# the server with the project's warnings as errors and run the tests that no
# sanitizer stage runs, then the concurrency tests under TSan
# (scripts/sanitize.sh thread, in build-tsan) and the unit and end-to-end
# suites under ASan+UBSan (scripts/sanitize.sh address, in build-asan, also
# with warnings as errors); README, "Tests".
set -euo pipefail
cd "$(dirname "$0")/.."
# One line a stage with its wall and CPU time (scripts/stage.sh).
source scripts/stage.sh
stage install scripts/install-deps.sh
# Every test runs once, and is compiled only where it runs: the unit and
# end-to-end suites under ASan+UBSan below, the rest (browsers, the fuzzers'
# seeds and smoke runs, the `native` runtime package check) here, against the
# normal build.
# Line tables only (-g1, not RelWithDebInfo's -g): the warnings are the same,
# and the compile takes about a quarter less CPU (README, "Tests").
stage normal-build scripts/build.sh -DPIXELDEX_WERROR=ON "-DPIXELDEX_SKIP_TEST_KINDS=unit;e2e" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
# The normal build's tests (browsers, fuzzers) wait on browsers and sockets
# much of their time (192 s of CPU in 139 s on two cores, README "Tests"), so
# the TSan stage's build runs beside them; their output follows the TSan
# stage's.
normal_log=build/normal-tests.log
(stage normal-tests ctest --test-dir build -LE 'unit|e2e' --output-on-failure -j"$(nproc)" \
  --timeout 600) > "$normal_log" 2>&1 &
normal_tests=$!
thread_status=0
scripts/sanitize.sh thread || thread_status=$?
normal_status=0
wait "$normal_tests" || normal_status=$?
cat "$normal_log"
if [ "$normal_status" -ne 0 ] || [ "$thread_status" -ne 0 ]; then
  exit 1
fi
scripts/sanitize.sh address

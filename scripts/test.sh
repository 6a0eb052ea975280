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
stage normal-tests ctest --test-dir build -LE 'unit|e2e' --output-on-failure -j"$(nproc)" --timeout 600
scripts/sanitize.sh thread
scripts/sanitize.sh address

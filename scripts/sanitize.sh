#!/usr/bin/env bash
# Builds pixeldex and its tests under sanitizers, each in a build folder of its
# own, and runs the tests that give the most value under each (README,
# "Tests"):
#   scripts/sanitize.sh address   ASan + UBSan (build-asan): the unit and
#                                 end-to-end suites (ctest -L 'unit|e2e')
#   scripts/sanitize.sh thread    TSan (build-tsan): the tests labelled
#                                 concurrency (load, crash, group commit,
#                                 import, C-FIND cancel, thread pool)
# Only the targets those tests need are built. Each unit test executable runs
# whole, as one ctest test (PIXELDEX_WHOLE_TEST_KINDS in tests/CMakeLists.txt:
# an instrumented process costs about 0.3 s of CPU to start). The end-to-end
# tests run one process each, against the instrumented pixeldex binary of the
# same folder, so the server's threads and its parsing of hostile input are
# checked too. Every report, whether from a
# test or from a server a test started (and perhaps killed), lands in
# <build>/sanitizer-reports; any report fails the run. Suppressions for the
# uninstrumented libraries (DCMTK, OpenSSL, SQLite) are in scripts/sanitizers/,
# each with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh address|thread}
root=$PWD
case "$kind" in
  # The unit and end-to-end suites run here, and only here (scripts/test.sh
  # runs the rest in the normal build). Tests labelled `native` (the runtime
  # package check) read the uninstrumented binary and stay with the normal
  # build. (The NoDelayE2eTest tests assert same-run ratios only.)
  # The ASan build compiles the unit and end-to-end suites that the normal
  # build of scripts/test.sh skips, so it carries the warnings-as-errors gate
  # for them. (GCC's -Wtsan notes about std::atomic_thread_fence keep the TSan
  # build from doing the same.)
  address) dir=build-asan; sanitize=address,undefined; labels='unit|e2e'; targets=(tests_unit tests_e2e); werror=ON ;;
  thread) dir=build-tsan; sanitize=thread; labels=concurrency; targets=(tests_concurrency); werror=OFF ;;
  *) echo "usage: scripts/sanitize.sh address|thread" >&2; exit 2 ;;
esac

launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# One line a stage with its wall and CPU time (scripts/stage.sh).
source scripts/stage.sh
# Ninja for a new build folder (scripts/generator.sh).
source scripts/generator.sh
# -Og -g1: optimised for debugging, line tables only. Measured under
# ASan+UBSan against the sanitizers' usual -O1 (README, "Tests"): the
# libraries and the server compile in 0.74x the CPU (the TLS HTTP connection
# file 0.60x), and the same end-to-end and unit tests ran in no more CPU.
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIXELDEX_SANITIZE="$sanitize" \
  -DPIXELDEX_WERROR="$werror" -DPIXELDEX_SKIP_TEST_KINDS= -DPIXELDEX_WHOLE_TEST_KINDS=unit \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-Og -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-Og -g1" \
  "${launcher[@]}" > /dev/null
stage "$kind-build" cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"

reports="$root/$dir/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
supp="$root/scripts/sanitizers"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="log_path=$reports/tsan:suppressions=$supp/tsan.supp:second_deadlock_stack=1:halt_on_error=0"

status=0
# One test more than cores: the end-to-end tests wait on sockets and child
# processes, so at -j$(nproc) the cores sat partly idle (README, "Tests":
# 390 s wall at -j2, cores 81 % busy; 320 s at -j3, 93 %). Tests whose
# assertions involve throughput are RUN_SERIAL and still run alone.
jobs=$(( $(nproc) + 1 ))
# The TSan stage's tests are the concurrency-heavy ones: as many as cores.
[ "$kind" = thread ] && jobs=$(nproc)
stage "$kind-tests" ctest --test-dir "$dir" -L "$labels" --output-on-failure \
  -j"$jobs" --timeout 900 || status=$?
if [ -n "$(ls -A "$reports")" ]; then
  echo "sanitizer reports ($kind):" >&2
  for f in "$reports"/*; do
    echo "== $f" >&2
    cat "$f" >&2
  done
  status=1
fi
exit "$status"

#!/usr/bin/env bash
# A fuzz target's smoke run, for ctest: builds TARGET (fuzz/dataset_fuzzer or
# fuzz/protocol_fuzzer) with clang and libFuzzer into BUILD_DIR (configured
# once; later runs are incremental), then runs RUNS mutations (fixed seed, so
# every run tries the same inputs) from the seed corpus and REGRESSIONS_DIR.
# Any finding (crash, sanitizer report, timeout, huge allocation) fails it;
# the input is left in BUILD_DIR as crash-*, timeout-* or oom-*.
# usage: fuzz/smoke.sh SOURCE_DIR BUILD_DIR SEEDS_DIR RUNS TARGET REGRESSIONS_DIR
set -euo pipefail
src=$1 build=$2 seeds=$3 runs=$4 target=$5 regressions=$6
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPIXELDEX_FUZZ=ON -DPIXELDEX_BUILD_TESTS=OFF "${launcher[@]}" > "$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
fi
cmake --build "$build" -j"$(nproc)" --target "$target" > "$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
"$build/fuzz/$target" -seed=1 -runs="$runs" -max_total_time=300 -rss_limit_mb=2048 -max_len=65536 \
  -timeout=10 -artifact_prefix="$build/" -print_final_stats=1 "$corpus" "$seeds" "$regressions"

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

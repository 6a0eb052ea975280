#!/usr/bin/env bash
# The README's second command, and CI's (.ci/run): install dependencies, build
# with the project's warnings as errors, run every test. The sanitizer runs
# (scripts/sanitize.sh address|thread) are not gated here yet: they have not
# had a complete run on the merged tree (README, "Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DPIXELDEX_WERROR=ON
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)

#!/usr/bin/env bash
# Configures and builds pixeldex (and its tests) into ./build; arguments are
# passed to cmake's configure step (e.g. -DPIXELDEX_WERROR=ON, as
# scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
# Ninja for a new build folder (scripts/generator.sh).
source scripts/generator.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
cmake --build build -j"$(nproc)"

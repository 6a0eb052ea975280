#!/usr/bin/env bash
# The README's first command: install dependencies, build, and run
# `pixeldex serve` on its embedded defaults (AE title PIXELDEX, port 11112,
# data under ./var/). Extra arguments go to `pixeldex serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/pixeldex serve "$@"

#!/usr/bin/env bash
# Installs what pixeldex needs to build, run and test on Debian 12, using
# Debian's packages, and for the node tests a few npm packages (pinned in
# tests/browser/ and tests/dicomweb-client/package-lock.json). Does nothing
# when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  lld                         # links the tests and the server in a third of ld.bfd's time (CMakeLists.txt)
  ninja-build                 # compiles the tests beside the server's last files, not after them (scripts/generator.sh)
  libdcmtk-dev dcmtk          # DICOM networking, codecs, and the CLI clients the tests use
  libsqlite3-dev sqlite3      # the index, and the shell people query it with
  libpq-dev                   # libpq, the PostgreSQL project's own C client: the PostgreSQL index (issue 18)
  postgresql                  # the server the PostgreSQL index tests start in a temporary folder (initdb, pg_ctl)
  libpng-dev                  # thumbnails
  libjpeg62-turbo-dev         # JPEG encoding of the WADO-RS rendered resources (image/jpeg)
  libisal-dev                 # ISA-L's igzip: fast compression of the thumbnails' PNG image data
  libjemalloc-dev             # jemalloc, the pixeldex binary's allocator: a tenth fewer instructions per stored instance than glibc's
  libopenjp2-7-dev            # JPEG 2000 decoding for thumbnails (free DCMTK has none)
  libssl-dev                  # SHA-256 content hashes; DICOM TLS (via DCMTK's dcmtls)
  openssl                     # the TLS tests make their certificates with it
  zlib1g-dev                  # inflating Deflated data sets for the nesting guard
  libboost-dev                # Boost.Asio
  libfmt-dev
  libgtest-dev libgmock-dev
  nlohmann-json3-dev          # JSON parsing (issue 15): stored DICOM JSON headers read back (catalog/query); the DICOMweb tests read the server's JSON with it
  curl                        # the HTTPS tests' client
  dicom3tools                 # dciodvfy: the de-identification e2e test validates originals and exports against the IODs (issue 19)
  systemd                     # systemd-analyze, to verify config/pixeldex.service offline in a test
  clang libclang-rt-14-dev    # the fuzz target's libFuzzer smoke test (ctest fuzz_smoke)
)
# The web page's browser tests (ctest -L browser) run one journey headless in
# each of these; only where the tests are (the container's build stage copies
# this script alone).
if [ -f "$(dirname "$0")/../tests/browser/package-lock.json" ]; then
  packages+=(chromium firefox-esr)
fi
# node and npm run the node tests (node --test: browser, dicomweb-client); a machine
# may have them from elsewhere than Debian (e.g. a newer nodejs package that
# brings its own npm), which Debian's npm package would conflict with.
command -v node > /dev/null || packages+=(nodejs)
command -v npm > /dev/null || packages+=(npm)

# The node tests' packages, each folder pinned by its package-lock.json, and
# installed again (npm ci) only when the version in node_modules of a
# package named is not the locked one:
# - tests/browser: playwright-core drives the system chromium and firefox-esr
#   (never a browser download of its own; it wants node >= 20); @ohif/app is
#   the OHIF viewer's prebuilt static site (dist/, 204 MB unpacked, a 50 MB
#   download) for ohif.test.mjs. Its lock entry lists none of the packages
#   OHIF is built from (react, webpack loaders, codecs...): the test needs
#   only dist/, and npm ci installs what the lock says, so keep the entry so
#   (npm install of @ohif/app would pull its whole build tree);
# - tests/dicomweb-client: dicomweb-client, the DICOMweb library the OHIF
#   viewer uses, as a real client of the server (with xhr2 as node's
#   XMLHttpRequest).
install_node_test_packages() {
  local dir="$1" package want have
  shift
  dir="$(dirname "$0")/../tests/$dir"
  # The container's build stage copies this script alone: no node tests there.
  [ -f "$dir/package-lock.json" ] || return 0
  dir="$(cd "$dir" && pwd)"
  for package in "$@"; do
    want=$(node -p "require('$dir/package-lock.json').packages['node_modules/$package'].version")
    have=$(node -p "try { require('$dir/node_modules/$package/package.json').version } catch { '' }")
    if [ "$want" != "$have" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund)
      return
    fi
  done
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
install_node_test_packages browser playwright-core @ohif/app
install_node_test_packages dicomweb-client dicomweb-client

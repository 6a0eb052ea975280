# Sourced by scripts/build.sh and scripts/sanitize.sh: a new build folder is
# configured for Ninja when it is installed (scripts/install-deps.sh installs
# it). With Make, a target's files wait until every target it depends on is
# built, so the tests of the sanitizer builds started compiling only after
# the server's last and longest file (the TLS HTTP connection, about 3 min
# of CPU under ASan) had finished beside an idle second core; Ninja holds
# back only the links (README, "Tests"). A folder configured before keeps
# its generator (CMake reads CMAKE_GENERATOR for a new folder only), and a
# CMAKE_GENERATOR already set is kept.
if [ -z "${CMAKE_GENERATOR:-}" ] && command -v ninja > /dev/null; then
  export CMAKE_GENERATOR=Ninja
fi

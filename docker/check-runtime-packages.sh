#!/usr/bin/env bash
# Checks that docker/runtime-packages.txt names the Debian package of every
# shared library BINARY needs (its ELF NEEDED entries), and that every package
# listed is a real, installed one. The Dockerfile runs it in its build stage,
# and the test suite runs it on the build machine.
#
#   docker/check-runtime-packages.sh BINARY [PACKAGE_LIST]
set -euo pipefail
binary="$1"
list="${2:-$(dirname "$0")/runtime-packages.txt}"
mapfile -t listed < <(sed 's/#.*//' "$list" | awk 'NF { print $1 }')
status=0
for package in "${listed[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    echo "listed but not an installed package: $package"
    status=1
  fi
done
for lib in $(objdump -p "$binary" | awk '/NEEDED/ { print $2 }'); do
  path=$(ldd "$binary" | awk -v lib="$lib" '$1 == lib { print $3 }')
  owner=""
  # dpkg knows a file by the path its package installed it at (/lib or /usr/lib).
  # awk reads all of dpkg-query's output: `head -n 1` could end the pipe early,
  # and under pipefail dpkg-query's SIGPIPE would then fail the lookup.
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
    owner=$(dpkg-query -S "$candidate" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') && [ -n "$owner" ] && break
  done
  if [ -z "$owner" ]; then
    echo "$lib ($path): no Debian package owns it"
    status=1
  elif ! printf '%s\n' "${listed[@]}" | grep -qx "$owner"; then
    echo "$lib comes from $owner, which $list does not list"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "runtime packages cover every library $binary needs"
exit "$status"

#!/bin/sh
# The container's HEALTHCHECK: a real C-ECHO to the local pixeldex. The AE
# title and port are found as pixeldex finds them: PIXELDEX_NETWORK_AET and
# PIXELDEX_NETWORK_PORT, else [network] aet and port in $PIXELDEX_CONFIG,
# else PIXELDEX and 11112 (flags given to `pixeldex serve` are not seen).
# Exit 0 when the echo succeeds. The calling AE title is HEALTHCHECK: list it
# (HEALTHCHECK@127.0.0.1) if you set access.allowed_callers.

# [network] KEY from the config file, if it sets one.
from_config() {
  [ -r "${PIXELDEX_CONFIG:-}" ] || return 0
  awk -v key="$1" '
    /^[ \t]*\[/ { in_network = ($0 ~ /^[ \t]*\[network\][ \t]*$/); next }
    in_network && $0 ~ "^[ \t]*" key "[ \t]*=" {
      sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t\r]*$/, ""); value = $0
    }
    END { if (value != "") print value }' "$PIXELDEX_CONFIG"
}

aet="${PIXELDEX_NETWORK_AET:-$(from_config aet)}"
port="${PIXELDEX_NETWORK_PORT:-$(from_config port)}"
exec echoscu -q -to 5 -ta 5 -td 5 -aet HEALTHCHECK -aec "${aet:-PIXELDEX}" 127.0.0.1 "${port:-11112}"

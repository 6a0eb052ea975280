#!/bin/sh
# The container's HEALTHCHECK: a real C-ECHO to the local pixeldex, with the
# AE title and port it was given by environment (PIXELDEX_NETWORK_AET,
# PIXELDEX_NETWORK_PORT; defaults PIXELDEX and 11112). Exit 0 when the echo
# succeeds. The calling AE title is HEALTHCHECK: list it
# (HEALTHCHECK@127.0.0.1) if you set access.allowed_callers.
exec echoscu -q -to 5 -ta 5 -td 5 -aet HEALTHCHECK -aec "${PIXELDEX_NETWORK_AET:-PIXELDEX}" \
  127.0.0.1 "${PIXELDEX_NETWORK_PORT:-11112}"

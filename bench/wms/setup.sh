#!/usr/bin/env bash
# Installs what bench/wms/run.sh needs besides the build (scripts/setup.sh):
# the load generator, the competitor and the HTTP server in front of it.
# Bench-only, so not in scripts/setup.sh. Idempotent; run as root.
#   wrk            the load generator (8 and 64 connections, latency percentiles)
#   lighttpd       MapServer's FastCGI front, and the HTTP range server for
#                  the COG read through /vsicurl/
#   mapserver-bin, cgi-mapserver   MapServer 8 (mapserv as FastCGI)
set -euo pipefail
if [[ $EUID -ne 0 ]]; then
    echo "bench/wms/setup.sh: must run as root (it installs Debian packages)" >&2
    exit 1
fi
wanted=(wrk lighttpd mapserver-bin cgi-mapserver)
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

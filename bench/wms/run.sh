#!/usr/bin/env bash
# wmsgate vs MapServer (FastCGI, 2 processes, lighttpd) on 127.0.0.1, same
# data, same request lists, alternating the two servers. Prints req/s, p50
# and p99 (ms) per scenario and the ratio. Not a test: nothing here passes
# or fails.
#   bench/wms/run.sh BUILD_DIR [WORK_DIR]
# Env: DURATION (s, 15), CONNECTIONS (8), ROUNDS (2), THREADS (nproc),
#      RSS_CONNECTIONS (64; 0 skips the memory run),
#      MAPSERVER_CACHE_MB (unset: GDAL's default block cache in each mapserv
#      process; a number gives each process that cache, e.g. wmsgate's 64).
# Needs: wrk, lighttpd, mapserver-bin, cgi-mapserver, python3-gdal, numpy.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]}
work=${2:-/tmp/wmsgate-bench}
duration=${DURATION:-15}
connections=${CONNECTIONS:-8}
rounds=${ROUNDS:-2}
threads=${THREADS:-$(nproc)}
mkdir -p "$work"

/usr/bin/python3 "$here/make_data.py" "$work/data"
/usr/bin/python3 "$here/make_requests.py" "$work/requests"
sed "s|@DATA@|$work/data|g" "$here/ortho_dem.map" >"$work/bench.map"
if [ -n "${MAPSERVER_CACHE_MB:-}" ]; then
    sed -i "0,/^MAP$/s//MAP\n  CONFIG \"GDAL_CACHEMAX\" \"${MAPSERVER_CACHE_MB}\"/" "$work/bench.map"
fi
sed "s|@WORK@|$work|g" "$here/lighttpd.conf" >"$work/lighttpd.conf"
sed "s|@WORK@|$work|g" "$here/mapserver.conf" >"$work/mapserver.conf"

pids=()
cleanup() {
    # lighttpd leaves its FastCGI children (mapserv) running: end them too,
    # by parent pid.
    for pid in "${pids[@]}"; do
        for child in $(pgrep -P "$pid" 2>/dev/null); do kill "$child" 2>/dev/null || true; done
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT
"$build/bin/wms_bench_server" "$work/data" 8090 "$threads" &
pids+=($!)
lighttpd -D -f "$work/lighttpd.conf" &
pids+=($!)
sleep 2

# wrk URL per server; both serve /wms.
declare -A base=([wmsgate]=http://127.0.0.1:8090 [mapserver]=http://127.0.0.1:8091)

one_run() {  # server scenario -> "rps p50 p99 non2xx"
    REQUESTS="$work/requests/$2.txt" wrk -t2 -c"$connections" -d"${duration}s" --latency \
        -s "$here/requests.lua" "${base[$1]}" 2>&1 | sed -n 's/^RESULT //p'
}

printf '%-11s %-9s %9s %8s %8s %7s\n' scenario server req/s p50_ms p99_ms errors
for scenario in png_native png_4326 jpeg_1024 dem_ramp; do
    # Byte sizes of the first request, to compare like with like.
    first=$(head -1 "$work/requests/$scenario.txt")
    for server in wmsgate mapserver; do
        size=$(curl -s "${base[$server]}/wms?$first" | wc -c)
        echo "# $scenario $server first response: $size bytes" >&2
        one_run "$server" "$scenario" >/dev/null  # warm-up: caches, overviews
    done
    declare -A best=()
    for round in $(seq "$rounds"); do
        for server in wmsgate mapserver; do
            read -r rps p50 p99 errors < <(one_run "$server" "$scenario")
            printf '%-11s %-9s %9s %8s %8s %7s\n' "$scenario" "$server" "$rps" "$p50" "$p99" "$errors"
            best[$server]=$rps
        done
    done
    # Parenthesised: a bare ">" in awk's printf arguments is an output redirection.
    awk -v a="${best[wmsgate]}" -v b="${best[mapserver]}" -v s="$scenario" \
        'BEGIN { printf "%-11s ratio wmsgate/mapserver (last round): %.2f\n", s, (b > 0 ? a / b : 0) }'
done
rss=$(ps -o rss= -p "${pids[0]}")
echo "wmsgate RSS after the runs: $((rss / 1024)) MB"

# Memory under load: every scenario once more at RSS_CONNECTIONS, then the
# peak resident set (VmHWM) of the whole run.
if [ "${RSS_CONNECTIONS:-64}" -gt 0 ]; then
    for scenario in png_native png_4326 jpeg_1024 dem_ramp; do
        connections=${RSS_CONNECTIONS:-64} one_run wmsgate "$scenario" |
            awk -v s="$scenario" -v c="${RSS_CONNECTIONS:-64}" \
                '{ printf "%-11s wmsgate at %d connections: %s req/s, p50 %s ms, p99 %s ms, %s errors\n", s, c, $1, $2, $3, $4 }'
    done
    peak=$(awk '/VmHWM/ { print $2 }' "/proc/${pids[0]}/status")
    echo "wmsgate peak RSS (VmHWM): $((peak / 1024)) MB"
fi

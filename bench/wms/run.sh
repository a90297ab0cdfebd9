#!/usr/bin/env bash
# wmsgate vs MapServer (FastCGI, 2 processes, lighttpd) on 127.0.0.1, same
# data, same request lists, alternating the two servers. Two pairs per
# scenario: wmsgate with resampling = "nearest" against MapServer as it comes
# (nearest neighbour, its default), and wmsgate with "bilinear" against
# MapServer with PROCESSING "RESAMPLE=BILINEAR". Prints per row req/s, p50,
# p99 (ms) and the first answer's bytes of both, the ratio and its target,
# then the peak RSS at RSS_CONNECTIONS. Not a test: nothing here passes or
# fails.
#   bench/wms/run.sh BUILD_DIR [WORK_DIR]
# Env: DURATION (s per run, 15), WARMUP (s, 5), CONNECTIONS (8), ROUNDS (2),
#      THREADS (wmsgate's render threads, nproc), SCENARIOS (all of
#      make_requests.py's), PAIRS ("nearest bilinear"),
#      RSS_CONNECTIONS (64; 0 skips the memory runs), RSS_DURATION (s, 5),
#      PROFILE (missed: perf profile of wmsgate's rows that missed their
#      target, all, none; PROFILE_MAPS maps each, 300),
#      MAPSERVER_CACHE_MB (unset: GDAL's default block cache in each mapserv
#      process; a number gives each process that cache, e.g. wmsgate's 256).
# The vector scenario (parcels and roads, styles alike in both servers) runs
# in the first pair only and has the target 2x with p99 at or below.
# Needs: bench/wms/setup.sh (wrk, lighttpd, MapServer), python3-gdal, numpy.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [WORK_DIR]}
work=${2:-/tmp/wmsgate-bench}
duration=${DURATION:-15}
warmup=${WARMUP:-5}
connections=${CONNECTIONS:-8}
rounds=${ROUNDS:-2}
threads=${THREADS:-$(nproc)}
rss_connections=${RSS_CONNECTIONS:-64}
rss_duration=${RSS_DURATION:-5}
scenarios=${SCENARIOS:-png_native png_4326 jpeg_1024 dem_ramp mosaic cog deflate_jpeg vector}
pairs=${PAIRS:-nearest bilinear}
profile=${PROFILE:-missed}
mkdir -p "$work"
work=$(cd "$work" && pwd)

/usr/bin/python3 "$here/make_data.py" "$work/data"
/usr/bin/python3 "$here/make_requests.py" "$work/requests"

# Ports: the COG's range server, then per pair one wmsgate and one MapServer.
range_port=8092
declare -A port=([wmsgate-nearest]=8090 [mapserver-nearest]=8091
                 [wmsgate-bilinear]=8093 [mapserver-bilinear]=8094)
cog="/vsicurl/http://127.0.0.1:$range_port/ortho_cog.tif"
# The documented setting for COGs; MapServer gets it from its mapfile.
export GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR

pids=()
cleanup() {
    # lighttpd leaves its FastCGI children (mapserv) running: end them too,
    # by parent pid, taken before lighttpd stops (it may respawn one while
    # its siblings are being ended, and its children are orphaned after).
    for pid in "${pids[@]}"; do
        children=$(pgrep -P "$pid" 2>/dev/null || true)
        kill "$pid" 2>/dev/null || true
        for child in $children; do kill "$child" 2>/dev/null || true; done
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT
declare -A pid_of=()

wait_for_port() {  # port -> 0 once something answers there
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    return 1
}

sed -e "s|@DATA@|$work/data|g" -e "s|@PORT@|$range_port|g" "$here/range_server.conf" \
    >"$work/range_server.conf"
lighttpd -D -f "$work/range_server.conf" &
pids+=($!)
wait_for_port "$range_port"

# wmsgate: one bench server per pair. A build without the resampling key
# (it is refused as unknown) serves bilinear in both pairs, and says so.
declare -A wmsgate_label=([nearest]=nearest [bilinear]=bilinear)
start_wmsgate() {  # pair strip_resampling(0|1) -> starts it, 0 if it runs
    local config="$work/wmsgate-$1.toml"
    sed -e "s|@DATA@|$work/data|g" -e "s|@COG@|$cog|g" -e "s|@RESAMPLING@|$1|g" \
        "$here/bench.toml.in" >"$config"
    if [ "$2" = 1 ]; then sed -i '/^resampling = /d' "$config"; fi
    "$build/bin/wms_bench_server" "$config" "${port[wmsgate-$1]}" "$threads" \
        2>"$work/wmsgate-$1.err" &
    local pid=$!
    if wait_for_port "${port[wmsgate-$1]}"; then
        pids+=("$pid")
        pid_of[wmsgate-$1]=$pid
        return 0
    fi
    kill "$pid" 2>/dev/null || true
    return 1
}
strip=0
for pair in $pairs; do
    if ! start_wmsgate "$pair" "$strip"; then
        if grep -q "resampling: unknown key" "$work/wmsgate-$pair.err"; then
            echo "# this wmsgate has no resampling key: bilinear in every pair" >&2
            strip=1
            start_wmsgate "$pair" 1 || { cat "$work/wmsgate-$pair.err" >&2; exit 1; }
        else
            cat "$work/wmsgate-$pair.err" >&2
            exit 1
        fi
    fi
    if [ "$strip" = 1 ]; then wmsgate_label[$pair]=bilinear; fi
done

# MapServer: one lighttpd with two mapserv processes per pair.
for pair in $pairs; do
    resample=''
    if [ "$pair" = bilinear ]; then resample='PROCESSING "RESAMPLE=BILINEAR"'; fi
    map="$work/mapserver-$pair.map"
    sed -e "s|@DATA@|$work/data|g" -e "s|@COG@|$cog|g" -e "s|@RESAMPLE@|$resample|g" \
        "$here/bench.map.in" >"$map"
    if [ -n "${MAPSERVER_CACHE_MB:-}" ]; then
        sed -i "0,/^MAP$/s//MAP\n  CONFIG \"GDAL_CACHEMAX\" \"${MAPSERVER_CACHE_MB}\"/" "$map"
    fi
    sed "s|@MAPFILE@|$map|g" "$here/mapserver.conf" >"$work/mapserver-$pair.conf"
    sed -e "s|@WORK@|$work|g" -e "s|@PORT@|${port[mapserver-$pair]}|g" -e "s|@NAME@|$pair|g" \
        "$here/lighttpd.conf" >"$work/lighttpd-$pair.conf"
    lighttpd -D -f "$work/lighttpd-$pair.conf" &
    pids+=($!)
    pid_of[mapserver-$pair]=$!
    wait_for_port "${port[mapserver-$pair]}"
done

one_run() {  # server scenario connections seconds -> "rps p50 p99 errors"
    REQUESTS="$work/requests/$2.txt" wrk -t2 -c"$3" -d"$4s" --timeout 30s --latency \
        -s "$here/requests.lua" "http://127.0.0.1:${port[$1]}" 2>&1 | sed -n 's/^RESULT //p'
}

first_answer() {  # server scenario -> "bytes content-type"
    local query
    query=$(head -1 "$work/requests/$2.txt")
    curl -s -o "$work/first-$1-$2" -w '%{size_download} %{content_type}\n' \
        "http://127.0.0.1:${port[$1]}/wms?$query"
}

to_profile=()
declare -A target=([nearest]=2 [bilinear]=3)
declare -A against=([nearest]=as-comes [bilinear]=bilinear)
echo "# $(date -u '+%F %T') UTC, load average: $(cut -d' ' -f1-3 /proc/loadavg)," \
    "${duration}s x $rounds rounds, $connections connections, $threads render threads," \
    "MapServer cache: ${MAPSERVER_CACHE_MB:-GDAL default}"
# px_diff: mean absolute difference of the first answers' pixels (0..255).
printf '%-12s %-18s | %8s %7s %7s %7s | %8s %7s %7s %7s | %5s | %5s %6s %s\n' \
    scenario "wmsgate/mapserver" "req/s" p50_ms p99_ms KiB "req/s" p50_ms p99_ms KiB px_diff ratio target notes
for scenario in $scenarios; do
    for pair in $pairs; do
        # Vector layers have no resampling: one row, in the first pair.
        if [ "$scenario" = vector ] && [ "$pair" != "${pairs%% *}" ]; then continue; fi
        w=wmsgate-$pair m=mapserver-$pair
        notes=''
        declare -A bytes=()
        for server in $w $m; do
            read -r size type < <(first_answer "$server" "$scenario")
            bytes[$server]=$size
            [[ $type == image/* ]] || notes+=" $server answered $type"
            one_run "$server" "$scenario" "$connections" "$warmup" >/dev/null
        done
        diff=$(/usr/bin/python3 "$here/pixel_diff.py" "$work/first-$w-$scenario" "$work/first-$m-$scenario")
        declare -A sum=()
        for round in $(seq "$rounds"); do
            for server in $w $m; do
                read -r rps p50 p99 errors < <(one_run "$server" "$scenario" "$connections" "$duration")
                sum[$server]="${sum[$server]:-} $rps $p50 $p99 $errors"
            done
        done
        # Means over the rounds; the ratio of the mean rates.
        row=$(awk -v s="$scenario" -v p="${wmsgate_label[$pair]}/${against[$pair]}" \
            -v ws="${sum[$w]}" -v ms="${sum[$m]}" -v wb="${bytes[$w]}" -v mb="${bytes[$m]}" \
            -v t="${target[$pair]}" -v n="$rounds" -v notes="$notes" -v d="$diff" '
            function mean(list, field,   a, k, i, total) {
                k = split(list, a, " "); total = 0
                for (i = field; i <= k; i += 4) total += a[i]
                return total / n
            }
            BEGIN {
                wr = mean(ws, 1); mr = mean(ms, 1)
                err = mean(ws, 4) + mean(ms, 4)
                ratio = (mr > 0 ? wr / mr : 0)
                verdict = (ratio >= t ? "met" : "MISSED")
                if (mean(ws, 3) >= mean(ms, 3)) notes = notes " p99-not-below"
                if (wb > 1.1 * mb) notes = notes " bytes+" int(100 * (wb / mb - 1)) "%"
                if (err > 0) notes = notes " errors:" err
                printf "%-12s %-18s | %8.1f %7.1f %7.1f %7.1f | %8.1f %7.1f %7.1f %7.1f | %5s | %5.2f %3sx %s%s\n",
                    s, p, wr, mean(ws, 2), mean(ws, 3), wb / 1024, mr, mean(ms, 2), mean(ms, 3),
                    mb / 1024, d, ratio, t, verdict, notes
            }')
        echo "$row"
        if [ "$profile" = all ] || { [ "$profile" = missed ] && [[ $row == *MISSED* ]]; }; then
            to_profile+=("$scenario $pair")
        fi
    done
done

# Memory under load: every scenario once more at RSS_CONNECTIONS against
# every server, then the peak resident set (VmHWM) of the whole run:
# wmsgate's process, and MapServer's mapserv processes added up.
peak_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }
if [ "$rss_connections" -gt 0 ]; then
    for pair in $pairs; do
        for scenario in $scenarios; do
            for server in wmsgate-$pair mapserver-$pair; do
                one_run "$server" "$scenario" "$rss_connections" "$rss_duration" >/dev/null
            done
        done
        wmsgate_kb=$(peak_kb "${pid_of[wmsgate-$pair]}")
        mapserver_kb=0 processes=0
        for child in $(pgrep -P "${pid_of[mapserver-$pair]}"); do
            mapserver_kb=$((mapserver_kb + $(peak_kb "$child")))
            processes=$((processes + 1))
        done
        awk -v p="${wmsgate_label[$pair]}/${against[$pair]}" -v w="$wmsgate_kb" \
            -v m="$mapserver_kb" -v n="$processes" -v c="$rss_connections" 'BEGIN {
            printf "peak RSS at %d connections, %-18s wmsgate %4d MB, mapserver (%d processes) %4d MB: %.2f (target <= 0.5) %s\n",
                c, p, w / 1024, n, m / 1024, w / m, (w <= m / 2 ? "met" : "MISSED") }'
    done
fi

# Where wmsgate's time goes in the rows that missed: one thread, no HTTP,
# under perf, self time binned by profile_split.py.
if ((${#to_profile[@]})) && command -v perf >/dev/null; then
    echo "# profiles (wms_render_profile, one thread, ${PROFILE_MAPS:-300} maps twice; render = read, decode, resample)"
    declare -A profiled=()
    for item in "${to_profile[@]}"; do
        read -r scenario pair <<<"$item"
        # Both pairs serve bilinear on a build without the resampling key.
        [ -z "${profiled[$scenario-${wmsgate_label[$pair]}]:-}" ] || continue
        profiled[$scenario-${wmsgate_label[$pair]}]=1
        data="$work/perf-$scenario-$pair.data"
        perf record -q -F 250 --call-graph dwarf,16384 -o "$data" -- "$build/bin/wms_render_profile" "$work/wmsgate-$pair.toml" \
            "$work/requests" "${PROFILE_MAPS:-300}" "$scenario" 2>/dev/null | sed "s/^/    /"
        /usr/bin/python3 "$here/profile_split.py" "$data" "$scenario ${wmsgate_label[$pair]}"
    done
fi

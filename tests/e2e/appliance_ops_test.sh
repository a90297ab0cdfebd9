#!/usr/bin/env bash
# End to end, running the appliance: /metrics for the metrics group only,
# structured access lines, SIGHUP with a good config (new layers on an open
# keep-alive connection), with a broken one and with one that needs a restart
# (both refused, the running config kept), and SIGTERM with a map download in
# flight (it completes; exit 0; the interface the daemon made is gone).
set -euo pipefail

E2E_ON_EXIT='tail -5 "$LAB_DIR/wmsgated.log" 2>/dev/null'
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin appliance_ops_test o

config=$LAB_DIR/wmsgate.toml
log=$LAB_DIR/wmsgated.log
base="http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT"
caps="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"

lab_make_layers "$layers"
lab_create_network
lab_write_config "$config" "$layers"
cat >>"$config" <<'TOML'

[[group]]
name = "ops"
layers = []

[metrics]
group = "ops"
TOML
cp "$config" "$LAB_DIR/original.toml"
lab_start_appliance "$config"
# The job lab_start_appliance started is a subshell running `ip netns exec`;
# its exit status is wmsgated's. Signals go to wmsgated itself.
daemon_job=${LAB_PIDS[-1]}
daemon_pid=$(lab_pids_named appliance wmsgated)
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups night,ops >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"

getmap="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&FORMAT=image/png"
lab_wms alice "$getmap&LAYERS=blue-marble&WIDTH=256&HEIGHT=128" >"$LAB_DIR/warm.png"
lab_wms bob "$getmap&LAYERS=night-lights&WIDTH=256&HEIGHT=128" >"$LAB_DIR/bob-warm.png"

# --- metrics ----------------------------------------------------------------
lab_in bob curl -sS --max-time 20 "$base/metrics" >"$LAB_DIR/metrics.txt"
has_sample() { grep -q -E "^$1 [0-9]" "$LAB_DIR/metrics.txt"; }
check "the metrics group gets request counts by layer, operation and status" \
    has_sample 'wmsgate_requests_total\{layer="night-lights",request="GetMap",status="200"\}'
# alice's blue-marble request was counted too, but bob may not see that
# layer: in his metrics it does not exist.
check "... only for layers the scraping peer may see" \
    bash -c "! grep -q 'blue-marble' '$LAB_DIR/metrics.txt'"
check "... a render-time histogram" has_sample 'wmsgate_render_seconds_bucket\{le="\+Inf"\}'
check "... bytes sent" has_sample 'wmsgate_sent_bytes_total'
peers_line() { grep -q -x "wmsgate_peers $1" "$LAB_DIR/metrics.txt"; }
check "... the peers on the tunnel (2)" peers_line 2
recent_line() { grep -q -x "wmsgate_peers_recent_handshake 2" "$LAB_DIR/metrics.txt"; }
check "... and the peers with a recent handshake (2)" recent_line

# Everyone else gets exactly what a path that does not exist gets.
answer_without_date() { lab_in "$1" curl -sS -i --max-time 20 "$base$2" | grep -v -i '^date:'; }
answer_without_date alice /metrics >"$LAB_DIR/alice-metrics.txt"
answer_without_date alice /no-such-page >"$LAB_DIR/alice-unknown.txt"
check "a peer outside the metrics group gets a 404 byte-identical to an unknown path" \
    cmp -s "$LAB_DIR/alice-metrics.txt" "$LAB_DIR/alice-unknown.txt"
is_404() { head -1 "$LAB_DIR/alice-metrics.txt" | grep -q ' 404 '; }
check "... and that answer is a 404" is_404

# The warm-up GetMap's line: every field, on that one line, with its value.
alice_address=$(sed -n -E 's/^Address = ([0-9.]+)\/32.*/\1/p' "$LAB_DIR/alice.conf")
warm_bytes=$(stat -c %s "$LAB_DIR/warm.png")
access_line() {
    grep -E "GetMap 200 " "$log" | grep -E "REMOTE=$alice_address(:[0-9]+)? " | grep -E " PEER=alice " |
        grep -E " REQUEST=GetMap " | grep -E " LAYER=blue-marble " | grep -E " STATUS=200 " |
        grep -E " BYTES=$warm_bytes " | grep -q -E " DURATION_MS=[0-9]+$"
}
check "the access line has REMOTE, PEER, REQUEST, LAYER, STATUS, BYTES ($warm_bytes) and DURATION_MS" \
    access_line

# --- reload -----------------------------------------------------------------
# A keep-alive connection from alice stays open across the reloads; the
# probe reads commands from a FIFO and prints each answer's layer names.
mkfifo "$LAB_DIR/probe.in"
cat >"$LAB_DIR/probe.py" <<'PY'
import http.client, re, sys
host, port, query = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection(host, port, timeout=20)
for line in sys.stdin:
    conn.request("GET", "/wms?" + query)
    response = conn.getresponse()
    body = response.read().decode()
    names = sorted(set(re.findall(r"<Name>(blue-marble|night-lights)</Name>", body)))
    # http.client silently reconnects when the server closed the connection:
    # the local port tells whether it is still the same one.
    print(f"{line.strip()} {conn.sock.getsockname()[1]} {' '.join(names)}", flush=True)
PY
lab_in alice /usr/bin/python3 -u "$LAB_DIR/probe.py" "$LAB_TUNNEL_ADDRESS" "$LAB_WMS_PORT" "$caps" \
    <"$LAB_DIR/probe.in" >"$LAB_DIR/probe.out" 2>&1 &
LAB_PIDS+=($!)
exec 7>"$LAB_DIR/probe.in"
probe() {
    echo "$1" >&7
    local i
    for i in $(seq 100); do
        grep -q "^$1 " "$LAB_DIR/probe.out" && break
        sleep 0.1
    done
    sed -n "s/^$1 //p" "$LAB_DIR/probe.out"
}
before=$(probe before)

wait_for_log() {
    local i
    for i in $(seq 100); do
        grep -q "$1" "$log" && return 0
        sleep 0.1
    done
    return 1
}

sed -i 's/layers = \["blue-marble"\]/layers = ["blue-marble", "night-lights"]/' "$config"
kill -HUP "$daemon_pid"
check "SIGHUP with a good config is logged as reloaded" wait_for_log "reloaded $config"
after=$(probe after-good)
connection_of() { echo "${1%% *}"; }
layers_of() { echo "${1#* }"; }
check "alice's next request on the same connection sees the group's new layer" \
    test "$(layers_of "$after")" = "blue-marble night-lights"
same_connection() {
    [[ -n $(connection_of "$before") && $(connection_of "$after") == "$(connection_of "$before")" ]]
}
check "the keep-alive connection survived the reload" same_connection

cp "$config" "$LAB_DIR/good.toml"
printf '\n[wms]\ntitel = "typo"\n' >>"$config"
kill -HUP "$daemon_pid"
check "a broken config is refused with a log line naming the file" \
    wait_for_log "reload refused; running config kept: $config"
check "... and the running config is kept" \
    test "$(layers_of "$(probe after-broken)")" = "blue-marble night-lights"

# Valid to the parser, failing only when the new layer's file is opened:
# the group change before it must not be applied either.
cp "$LAB_DIR/good.toml" "$config"
sed -i 's/layers = \["blue-marble", "night-lights"\]/layers = ["blue-marble"]/' "$config"
echo "not a raster" >"$LAB_DIR/not-a-raster.tif"
printf '\n[[layer]]\nname = "broken"\nsource = "%s"\n' "$LAB_DIR/not-a-raster.tif" >>"$config"
kill -HUP "$daemon_pid"
refused_twice() { test "$(grep -c 'reload refused' "$log")" -ge 2; }
check "a config whose new layer cannot be opened is refused" e2e_eventually 10 refused_twice
check "... and none of it applied: alice's group keeps both layers" \
    test "$(layers_of "$(probe after-unopenable)")" = "blue-marble night-lights"

cp "$LAB_DIR/good.toml" "$config"
sed -i "s/^port = $LAB_WMS_PORT/port = 8081/" "$config"
kill -HUP "$daemon_pid"
check "a config changing the WMS port is refused: it needs a restart" \
    wait_for_log "wms.port changed; that needs a restart"
check "... and the WMS still answers on the old port" \
    test "$(layers_of "$(probe after-port)")" = "blue-marble night-lights"
exec 7>&-

# --- graceful stop ----------------------------------------------------------
# A large reprojected map of four layers keeps a render busy for seconds;
# SIGTERM arrives once the request is in. It must still be answered in full.
# (If rendering ever gets fast enough to finish first, the "truly in flight"
# check below fails rather than passing without testing anything.)
big="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=EPSG:3857&BBOX=-20000000,-20000000,20000000,20000000&WIDTH=4096&HEIGHT=4096&FORMAT=image/png&LAYERS=blue-marble,night-lights,blue-marble,night-lights"
(
    status=0
    lab_in alice curl -sS --max-time 60 -o "$LAB_DIR/big.png" -w '%{http_code}' \
        "$base/wms?$big" >"$LAB_DIR/big.status" 2>"$LAB_DIR/big.err" || status=$?
    echo "$status" >"$LAB_DIR/big.rc"
) &
download=$!
# The request is in once the daemon's session holds it: give it a moment.
sleep 0.5
kill -TERM "$daemon_pid"
wait "$download" || true
exit_code=0
wait "$daemon_job" || exit_code=$?
check "the download in flight at SIGTERM got a 200" test "$(cat "$LAB_DIR/big.status")" = 200
# curl fails (18, 28, 56) on a body shorter than its Content-Length.
check "... and every byte of it (curl: $(cat "$LAB_DIR/big.err"))" test "$(cat "$LAB_DIR/big.rc")" = 0
png_4096() {
    /usr/bin/python3 - "$LAB_DIR/big.png" <<'PY'
import sys
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.Open(sys.argv[1])
# Reading every pixel fails on a truncated PNG; the header alone would not.
ds.ReadRaster()
sys.exit(0 if ds.RasterXSize == 4096 and ds.RasterYSize == 4096 else 1)
PY
}
check "... a 4096x4096 PNG that decodes to the last row" png_4096
answered_after_stop() {
    local stop answer
    stop=$(grep -n "stopping: finishing" "$log" | head -1 | cut -d: -f1)
    answer=$(grep -n "GetMap 200 " "$log" | tail -1 | cut -d: -f1)
    [[ -n $stop && -n $answer && $answer -gt $stop ]]
}
check "... and it was truly in flight: answered after the stop began" answered_after_stop
check "wmsgated exits 0 after SIGTERM (got $exit_code)" test "$exit_code" = 0
interface_gone() { ! lab_in appliance ip link show "wg${LAB_TAG}app" >/dev/null 2>&1; }
check "the interface it created is gone" interface_gone

check_summary

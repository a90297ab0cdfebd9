#!/usr/bin/env bash
# End to end: wmsgated in a namespace, alice and bob as real WireGuard peers
# set up from the configs it issued, real WMS clients (curl, OWSLib, GDAL),
# and a LAN host without a tunnel. Asserts what the demo shows.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin first_map_test e

lab_make_layers "$layers"
lab_create_network
lab_write_config "$LAB_DIR/wmsgate.toml" "$layers"
lab_start_appliance "$LAB_DIR/wmsgate.toml"
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups night >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"

url="http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms"
getmap="SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&FORMAT=image/png"

# OWSLib parses the capabilities; prints the named layers, one per line.
owslib_layers() {
    lab_in "$1" /usr/bin/python3 - "$url" <<'PY'
import sys
from owslib.wms import WebMapService
wms = WebMapService(sys.argv[1], version="1.3.0", timeout=20)
for name in sorted(wms.contents):
    print(name)
PY
}

# True when the file is a PNG of the given size whose pixels are not all equal.
png_is_real_map() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
from osgeo import gdal
path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
gdal.UseExceptions()
ds = gdal.Open(path)
ok = ds.GetDriver().ShortName == "PNG" and ds.RasterXSize == width and ds.RasterYSize == height
spread = max(ds.GetRasterBand(b).ComputeRasterMinMax(False)[1] - ds.GetRasterBand(b).ComputeRasterMinMax(False)[0]
             for b in range(1, min(ds.RasterCount, 3) + 1))
print(f"{path}: {ds.GetDriver().ShortName} {ds.RasterXSize}x{ds.RasterYSize}, value spread {spread}")
sys.exit(0 if ok and spread > 0 else 1)
PY
}

check "alice's capabilities (OWSLib) list exactly blue-marble" \
    test "$(owslib_layers alice)" = "blue-marble"
check "bob's capabilities (OWSLib) list exactly night-lights" \
    test "$(owslib_layers bob)" = "night-lights"

lab_wms alice "$getmap&LAYERS=blue-marble&WIDTH=400&HEIGHT=200" >"$LAB_DIR/alice.png"
check "alice's GetMap is a 400x200 PNG of real imagery" png_is_real_map "$LAB_DIR/alice.png" 400 200

lab_in alice gdal_translate -q -of PNG -outsize 256 128 \
    "WMS:$url?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=blue-marble&SRS=EPSG:4326&BBOX=-180,-90,180,90&FORMAT=image/png" \
    "$LAB_DIR/alice-gdal.png" >/dev/null 2>"$LAB_DIR/gdal.err" || cat "$LAB_DIR/gdal.err"
check "GDAL's WMS driver reads alice's layer through the tunnel" \
    png_is_real_map "$LAB_DIR/alice-gdal.png" 256 128

# The whole response, headers included, must not tell "forbidden" from "absent".
response() { lab_in "$1" curl -sS -i --max-time 20 "$url?$2"; }
response alice "$getmap&LAYERS=night-lights&WIDTH=64&HEIGHT=32" >"$LAB_DIR/forbidden"
response alice "$getmap&LAYERS=no-such-layer&WIDTH=64&HEIGHT=32" >"$LAB_DIR/absent"
check "a forbidden layer is reported as LayerNotDefined" grep -q 'code="LayerNotDefined"' "$LAB_DIR/forbidden"
check "forbidden and absent layers get byte-identical responses" cmp "$LAB_DIR/forbidden" "$LAB_DIR/absent"
says_nothing_of_permission() { ! grep -qi -e forbidden -e denied -e permission "$LAB_DIR/forbidden"; }
check "alice's forbidden GetMap says nothing of permissions" says_nothing_of_permission

alice_address=$(sed -n -E 's/^Address = ([0-9.]+).*/\1/p' "$LAB_DIR/alice.conf")
lab_in bob curl -sS --fail --max-time 20 -H "X-Forwarded-For: $alice_address" \
    -H "Forwarded: for=$alice_address" "$url?SERVICE=WMS&REQUEST=GetCapabilities" >"$LAB_DIR/bob-forged.xml"
only_bobs_layer() {
    grep -q '<Name>night-lights</Name>' "$LAB_DIR/bob-forged.xml" && ! grep -q blue-marble "$LAB_DIR/bob-forged.xml"
}
check "bob forging X-Forwarded-For still sees only his layer" only_bobs_layer

lab_in lan ip route add 10.77.0.0/24 via "$LAB_LAN_PREFIX.1"
cannot_connect_from() { ! lab_in "$1" curl -sS --max-time 3 -o /dev/null "$url"; }
check "lan, routing the tunnel prefix via the appliance, cannot connect to the WMS" cannot_connect_from lan
check "a process on the appliance cannot reach the WMS over loopback" cannot_connect_from appliance
bound_to_tunnel_device() {
    lab_in appliance ss -Hltn "sport = :$LAB_WMS_PORT" | grep -q "$LAB_TUNNEL_ADDRESS%wg${LAB_TAG}app:$LAB_WMS_PORT"
}
check "the WMS socket is bound to the tunnel address and device" bound_to_tunnel_device

set +e
carol_out=$(lab_ctl peer add carol --groups no-such-group 2>&1 >"$LAB_DIR/carol.conf")
carol_status=$?
set -e
refused_with_reason() { [[ $carol_status -eq 1 && $carol_out == *'unknown group "no-such-group"'* ]]; }
not_registered() {
    local list
    list=$(lab_ctl peer list) || return 1 # a failing list proves nothing
    [[ ! -s $LAB_DIR/carol.conf && $list == *alice* && $list != *carol* ]]
}
check "an unknown group is refused with exit 1 and a reason" refused_with_reason
check "a refused peer is not registered and gets no config" not_registered

# wireguard-go is wmsgated's child: when it dies, wmsgated starts it again,
# re-applies keys, addresses and peers, listens anew, and alice gets maps.
old_pid=$(lab_pids_named appliance wireguard-go)
kill -9 "$old_pid"
serves_alice_again() {
    local i
    for i in $(seq 40); do
        lab_wms alice "SERVICE=WMS&REQUEST=GetCapabilities" 2>/dev/null | grep -q '<Name>blue-marble</Name>' &&
            return 0
        sleep 0.5
    done
    return 1
}
check "after wireguard-go is killed, alice is served again" serves_alice_again
new_pid=$(lab_pids_named appliance wireguard-go)
check "wmsgated started a new wireguard-go" test -n "$new_pid" -a "$new_pid" != "$old_pid"
check "the restart is logged once" test "$(grep -c 'wireguard-go exited; restarting it' "$LAB_DIR/wmsgated.log")" -eq 1

check_summary

#!/usr/bin/env bash
# End to end: per-group areas through the tunnel. Alice's group sees
# blue-marble only over a western box (a GeoJSON in EPSG:4326), bob's only
# over an eastern one (a GeoPackage in EPSG:3857). Checks: each sees data in
# his own region only; a map wholly outside a peer's area is byte for byte a
# map where the layer has no data; feature info outside answers as outside
# the data; capabilities boxes are the peer's region and updateSequence
# differs per view; `peer set --groups` and a reload change it all live; a
# broken area file is refused; OWSLib and GDAL see only the region.
set -euo pipefail

E2E_ON_EXIT='tail -5 "$LAB_DIR/wmsgated.log" 2>/dev/null'
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin areas_test a

# A GeoJSON polygon file: the box lon $1..$2, lat $3..$4 (EPSG:4326).
box_geojson() {
    cat <<JSON
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
 "geometry": {"type": "Polygon", "coordinates": [[[$1, $3], [$2, $3], [$2, $4], [$1, $4], [$1, $3]]]}}]}
JSON
}
box_geojson -20 0 30 50 >"$LAB_DIR/west.geojson"
box_geojson 20 40 30 50 >"$LAB_DIR/east-4326.geojson"
ogr2ogr -f GPKG -t_srs EPSG:3857 "$LAB_DIR/east.gpkg" "$LAB_DIR/east-4326.geojson"

lab_make_layers "$layers"
lab_create_network
config=$LAB_DIR/wmsgate.toml
lab_write_config "$config" "$layers"
cat >>"$config" <<TOML

[[group]]
name = "west"
layers = ["blue-marble", "night-lights"]
area = "$LAB_DIR/west.geojson"

[[group.limit]]                 # night-lights only over the western half of it
layer = "night-lights"
area = "$LAB_DIR/west-half.geojson"

[[group]]
name = "east"
layers = ["blue-marble"]
area = "$LAB_DIR/east.gpkg"
TOML
box_geojson -20 -10 30 50 >"$LAB_DIR/west-half.geojson"
lab_start_appliance "$config"
daemon_pid=$(lab_pids_named appliance wmsgated)
check "group list names each group's area per limited layer" grep -qxE \
    "west +blue-marble,night-lights +blue-marble=$LAB_DIR/west.geojson,night-lights=$LAB_DIR/west-half.geojson" \
    <(lab_ctl group list)
lab_ctl peer add alice --groups west >"$LAB_DIR/alice.conf"
lab_ctl peer add bob --groups east >"$LAB_DIR/bob.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
lab_connect_client bob "$LAB_DIR/bob.conf"

getmap() {  # host layer minx,miny,maxx,maxy [format extra]
    lab_wms "$1" "SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=$2&STYLES=&SRS=EPSG:4326&BBOX=$3&WIDTH=200&HEIGHT=100&FORMAT=${4:-image/png}${5:-&TRANSPARENT=TRUE}"
}
# Prints the share of pixels with alpha > 0 (transparent PNGs) in the
# columns [$2, $3) of a 200x100 map.
covered() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
from osgeo import gdal
path, x0, x1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ds = gdal.Open(path)  # kept: a band outliving its dataset crashes
alpha = ds.GetRasterBand(4).ReadRaster(x0, 0, x1 - x0, 100)
print(sum(1 for a in alpha if a) / len(alpha))
PY
}
share_is() {
    local got
    got=$(covered "$1" "$2" "$3")
    [[ $got == "$4" ]] || { echo "share of columns $2..$3 in $1: $got, not $4" >&2; return 1; }
}

# Map over lon -40..40, lat 0..100 at 0.4 x 1 degrees a pixel (no pixel
# centre on an edge): alice's box is columns 50..99, rows 50..69; bob's
# columns 150..199.
getmap alice blue-marble -40,0,40,100 >"$LAB_DIR/alice-wide.png"
getmap bob blue-marble -40,0,40,100 >"$LAB_DIR/bob-wide.png"
check "alice sees blue-marble in her box" share_is "$LAB_DIR/alice-wide.png" 50 100 0.2
check "... and nothing outside it" share_is "$LAB_DIR/alice-wide.png" 100 200 0.0
check "... nor west of it" share_is "$LAB_DIR/alice-wide.png" 0 50 0.0
check "bob sees blue-marble in his box" share_is "$LAB_DIR/bob-wide.png" 150 200 0.2
check "... and nothing outside it" share_is "$LAB_DIR/bob-wide.png" 0 150 0.0
getmap alice night-lights -40,0,40,100 >"$LAB_DIR/alice-night.png"
check "a [[group.limit]] narrows one layer: alice's night-lights covers half her box" \
    share_is "$LAB_DIR/alice-night.png" 50 100 0.1

# No place on Earth lacks blue-marble's data; east of lon 180 does.
for format in "image/png|&TRANSPARENT=TRUE" "image/png|" "image/jpeg|"; do
    getmap bob blue-marble -20,30,0,50 "${format%%|*}" "${format#*|}" >"$LAB_DIR/outside.img"
    getmap bob blue-marble 190,30,210,50 "${format%%|*}" "${format#*|}" >"$LAB_DIR/nodata.img"
    check "bob's map of alice's box is byte-identical to one without data (${format%%|*}${format#*|})" \
        cmp -s "$LAB_DIR/outside.img" "$LAB_DIR/nodata.img"
done

info() {  # host lon: text/plain feature info at lat 40
    lab_wms "$1" "SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=blue-marble&QUERY_LAYERS=blue-marble&STYLES=&SRS=EPSG:4326&BBOX=$(($2 - 1)),39,$(($2 + 1)),41&WIDTH=2&HEIGHT=2&X=1&Y=1&INFO_FORMAT=text/plain"
}
check "alice's feature info inside her box has band values" grep -q "band_1 = " <(info alice -10)
check "alice's feature info in bob's box answers as outside the data" \
    cmp -s <(info alice 30) <(info alice 200)

caps() { lab_wms "$1" "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"; }
# Prints "west east south north" of blue-marble's geographic box, and the
# updateSequence, one a line.
caps_facts() {
    /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
ns = {"w": "http://www.opengis.net/wms"}
root = ET.fromstring(sys.stdin.buffer.read())
for layer in root.iter("{http://www.opengis.net/wms}Layer"):
    if layer.findtext("w:Name", namespaces=ns) == "blue-marble":
        box = layer.find("w:EX_GeographicBoundingBox", ns)
        print(" ".join("%g" % round(float(box.findtext("w:" + k, namespaces=ns)), 6) for k in
              ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude")))
print(root.get("updateSequence"))'
}
caps alice | caps_facts >"$LAB_DIR/alice.caps"
caps bob | caps_facts >"$LAB_DIR/bob.caps"
check "alice's capabilities box is her area" test "$(head -1 "$LAB_DIR/alice.caps")" = "-20 0 30 50"
check "bob's is his (from EPSG:3857)" test "$(head -1 "$LAB_DIR/bob.caps")" = "20 40 30 50"
check "updateSequence is advertised" grep -qE '^[0-9a-f]{16}$' "$LAB_DIR/alice.caps"
check "... and differs between alice and bob" \
    test "$(tail -1 "$LAB_DIR/alice.caps")" != "$(tail -1 "$LAB_DIR/bob.caps")"

lab_ctl peer set alice --groups west,east >/dev/null
caps alice | caps_facts >"$LAB_DIR/alice-both.caps"
check "peer set --groups west,east: alice's box is the union's" \
    test "$(head -1 "$LAB_DIR/alice-both.caps")" = "-20 40 30 50"
check "... her updateSequence changed" \
    test "$(tail -1 "$LAB_DIR/alice-both.caps")" != "$(tail -1 "$LAB_DIR/alice.caps")"
getmap alice blue-marble -40,0,40,100 >"$LAB_DIR/alice-both.png"
check "... and she now sees bob's box too" share_is "$LAB_DIR/alice-both.png" 150 200 0.2
lab_ctl peer set alice --groups daylight >/dev/null
caps alice | caps_facts >"$LAB_DIR/alice-daylight.caps"
check "peer set --groups daylight: the whole world again" \
    test "$(head -1 "$LAB_DIR/alice-daylight.caps")" = "-180 180 -90 90"

lab_ctl peer set alice --groups west >/dev/null
box_geojson -30 0 30 50 >"$LAB_DIR/west.geojson"
before=$(tail -1 "$LAB_DIR/alice.caps")
kill -HUP "$daemon_pid"
west_moved() { [[ $(caps alice | caps_facts | sed -n 1p) == "-30 0 30 50" ]]; }
check "a reload applies a changed area file" e2e_eventually 10 west_moved
check "... and alice's updateSequence changed" test "$(caps alice | caps_facts | tail -1)" != "$before"
echo '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}' \
    >"$LAB_DIR/west.geojson"
kill -HUP "$daemon_pid"
refused() { grep -q "reload refused; running config kept: $config:[0-9]*: group.area: $LAB_DIR/west.geojson: .*not a polygon" "$LAB_DIR/wmsgated.log"; }
check "a broken area file is refused naming file, line and reason" e2e_eventually 10 refused
check "... and the running areas are kept" west_moved
box_geojson -20 0 30 50 >"$LAB_DIR/west.geojson"
kill -HUP "$daemon_pid"
west_back() { [[ $(caps alice | caps_facts | sed -n 1p) == "-20 0 30 50" ]]; }
check "a fixed area file is taken on the next reload" e2e_eventually 10 west_back

# Real clients: OWSLib's layer box, and GDAL's WMS driver reading the world.
owslib_box() {
    lab_in alice /usr/bin/python3 - "http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms" <<'PY'
import sys
from owslib.wms import WebMapService
for version in ("1.1.1", "1.3.0"):
    wms = WebMapService(sys.argv[1], version=version, timeout=20)
    print(version, " ".join("%g" % round(v, 6) for v in wms["blue-marble"].boundingBoxWGS84))
PY
}
owslib_box >"$LAB_DIR/owslib.txt" 2>"$LAB_DIR/owslib.err" || cat "$LAB_DIR/owslib.err" >&2
check "OWSLib 1.1.1 zooms alice to her region" grep -qx "1.1.1 -20 30 0 50" "$LAB_DIR/owslib.txt"
check "OWSLib 1.3.0 too" grep -qx "1.3.0 -20 30 0 50" "$LAB_DIR/owslib.txt"
# A service description of one 360x180 block: one request for the world,
# one pixel a degree, with alpha.
cat >"$LAB_DIR/world.xml" <<XML
<GDAL_WMS>
  <Service name="WMS"><Version>1.1.1</Version><ServerUrl>http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms?</ServerUrl>
    <SRS>EPSG:4326</SRS><ImageFormat>image/png</ImageFormat><Transparent>TRUE</Transparent>
    <Layers>blue-marble</Layers></Service>
  <DataWindow><UpperLeftX>-180</UpperLeftX><UpperLeftY>90</UpperLeftY>
    <LowerRightX>180</LowerRightX><LowerRightY>-90</LowerRightY><SizeX>360</SizeX><SizeY>180</SizeY></DataWindow>
  <BandsCount>4</BandsCount><BlockSizeX>360</BlockSizeX><BlockSizeY>180</BlockSizeY>
</GDAL_WMS>
XML
GDAL_HTTP_TIMEOUT=20 lab_in alice gdal_translate -q -of PNG "$LAB_DIR/world.xml" "$LAB_DIR/gdal-world.png" \
    >/dev/null 2>"$LAB_DIR/gdal.err" || cat "$LAB_DIR/gdal.err" >&2
# One pixel a degree: alice's box is columns 160..180, rows 40..60.
gdal_sees_region_only() {
    /usr/bin/python3 - "$LAB_DIR/gdal-world.png" <<'PY'
import sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
alpha = ds.GetRasterBand(ds.RasterCount).ReadRaster()
seen = {(i % 360, i // 360) for i, a in enumerate(alpha) if a}
box = {(x, y) for x in range(160, 180) for y in range(40, 60)}
print(f"{len(seen)} pixels with data, {len(seen & box)} of them in the box of {len(box)}")
sys.exit(0 if ds.RasterCount == 4 and seen == box else 1)
PY
}
check "GDAL's WMS driver reading the world gets alice's region only" gdal_sees_region_only

check_summary

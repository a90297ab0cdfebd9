#!/usr/bin/env bash
# End to end: a vector layer (GeoPackage parcels, two rules, fields limited)
# over the Blue Marble raster through the tunnel. OWSLib reads the
# capabilities (queryable, extent, style), fetches a Web Mercator map of both
# layers and feature info; GDAL's WMS driver reads the vector layer; the
# daemon's log warns about a GeoJSON source without a spatial index.
set -euo pipefail

E2E_ON_EXIT='tail -5 "$LAB_DIR/wmsgated.log" 2>/dev/null'
source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin vector_layers_test v

# Two parcels: a forest square lon 0..20, lat 0..20 and a field lon 30..50,
# lat 0..20 with a hole lon 35..45, lat 5..15.
cat >"$LAB_DIR/parcels.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ref": 1, "class": "forest", "owner": "Ada"},
  "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [20, 0], [20, 20], [0, 20], [0, 0]]]}},
 {"type": "Feature", "properties": {"ref": 2, "class": "field", "owner": "Bea"},
  "geometry": {"type": "Polygon", "coordinates": [[[30, 0], [50, 0], [50, 20], [30, 20], [30, 0]],
                                                  [[35, 5], [35, 15], [45, 15], [45, 5], [35, 5]]]}}]}
JSON
ogr2ogr -f GPKG -nln parcels "$LAB_DIR/parcels.gpkg" "$LAB_DIR/parcels.geojson"

lab_make_layers "$layers"
lab_create_network
config=$LAB_DIR/wmsgate.toml
lab_write_config "$config" "$layers"
cat >>"$config" <<TOML

[[layer]]
name = "parcels"
source = "$LAB_DIR/parcels.gpkg"
source_layer = "parcels"
fields = ["ref", "class"]

[[layer.rule]]
filter = "class = 'forest'"
fill = "#00c800"

[[layer.rule]]
fill = "#0000ff"
stroke = "#000000"

[[layer]]
name = "parcels-json"
source = "$LAB_DIR/parcels.geojson"
source_layer = "parcels"

[[group]]
name = "cadastre"
layers = ["blue-marble", "parcels"]
TOML
lab_start_appliance "$config"
lab_ctl peer add alice --groups cadastre >"$LAB_DIR/alice.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"
url="http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms"

check "the log warns that the GeoJSON source has no spatial index" \
    grep -q "layer 'parcels-json'.*no spatial index" "$LAB_DIR/wmsgated.log"

# OWSLib 1.3.0: prints one fact a line; the map is 400x400 of Web Mercator
# over lon -60..60 (about 33,396 m a pixel).
lab_in alice /usr/bin/python3 - "$url" "$LAB_DIR" >"$LAB_DIR/owslib.txt" 2>"$LAB_DIR/owslib.err" <<'PY' ||
import sys
from owslib.wms import WebMapService
from osgeo import gdal, osr
url, work = sys.argv[1:3]
wms = WebMapService(url, version="1.3.0", timeout=20)
layer = wms["parcels"]
print("layers", ",".join(sorted(wms.contents)))
print("queryable", layer.queryable)
print("styles", ",".join(sorted(layer.styles)))
print("extent", ",".join(f"{v:g}" for v in layer.boundingBoxWGS84))
half = 6679169.45  # 60 degrees of longitude in Web Mercator metres
img = wms.getmap(layers=["blue-marble", "parcels"], styles=["", ""], srs="EPSG:3857",
                 bbox=(-half, -half, half, half), size=(400, 400), format="image/png")
open(f"{work}/map.png", "wb").write(img.read())
ds = gdal.Open(f"{work}/map.png")
wgs84, merc = osr.SpatialReference(), osr.SpatialReference()
wgs84.ImportFromEPSG(4326)
wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
merc.ImportFromEPSG(3857)
to_merc = osr.CoordinateTransformation(wgs84, merc)
def pixel(lon, lat):
    x, y, _ = to_merc.TransformPoint(lon, lat)
    col, row = int((x + half) / (2 * half) * 400), int((half - y) / (2 * half) * 400)
    return tuple(ds.GetRasterBand(b).ReadRaster(col, row, 1, 1)[0] for b in (1, 2, 3))
print("forest", pixel(10, 10))
print("field", pixel(32, 10))
print("hole is not blue", pixel(40, 10) != (0, 0, 255))
info = wms.getfeatureinfo(layers=["parcels"], srs="EPSG:3857", bbox=(-half, -half, half, half),
                          size=(400, 400), format="image/png", query_layers=["parcels"],
                          info_format="application/json", xy=(215, 185))
print("info", info.read().decode())
PY
    cat "$LAB_DIR/owslib.err" >&2
facts=$LAB_DIR/owslib.txt
check "OWSLib: alice sees the raster and the vector layer" grep -qx "layers blue-marble,parcels" "$facts"
check "OWSLib: the vector layer is queryable" grep -qx "queryable 1" "$facts"
check "OWSLib: it has the default style" grep -qx "styles default" "$facts"
check "OWSLib: its extent is the parcels'" grep -qx "extent 0,0,50,20" "$facts"
check "the forest is drawn with the first rule over the raster" grep -qx "forest (0, 200, 0)" "$facts"
check "the field is drawn with the second rule" grep -qx "field (0, 0, 255)" "$facts"
check "the field's hole shows the raster" grep -qx "hole is not blue True" "$facts"
check "feature info names the forest parcel" grep -q '^info .*"class":"forest"' "$facts"
no_owner() { ! grep -q owner "$facts"; }
check "feature info leaves out fields not listed" no_owner

gdal_wms="WMS:$url?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=parcels&SRS=EPSG:4326&BBOX=0,0,50,20&FORMAT=image/png"
lab_in alice gdal_translate -q -of GTiff -outsize 250 100 "$gdal_wms" "$LAB_DIR/gdal.tif" \
    >/dev/null 2>"$LAB_DIR/gdal.err" || cat "$LAB_DIR/gdal.err" >&2
green_at() {  # column row: the GDAL-read map is forest green there
    /usr/bin/python3 - "$LAB_DIR/gdal.tif" "$1" "$2" <<'PY'
import sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
rgb = tuple(ds.GetRasterBand(b).ReadRaster(int(sys.argv[2]), int(sys.argv[3]), 1, 1)[0] for b in (1, 2, 3))
sys.exit(0 if rgb == (0, 200, 0) else 1)
PY
}
field_is_not_green() { ! green_at 200 50; }
check "GDAL's WMS driver reads the vector layer through the tunnel" green_at 50 50
check "and the field there is not forest" field_is_not_green

check_summary

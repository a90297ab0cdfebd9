#!/usr/bin/env bash
# End to end: real WMS clients through a real WireGuard tunnel. OWSLib parses
# the capabilities of both WMS versions and fetches a map and feature info;
# GDAL's WMS driver (gdalinfo, gdal_translate) reads maps. Modelled on
# first_map_test.sh and built on the same lab.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib/e2e.sh"
e2e_begin wms_clients_test c

lab_make_layers "$layers"
lab_create_network
lab_write_config "$LAB_DIR/wmsgate.toml" "$layers"
lab_start_appliance "$LAB_DIR/wmsgate.toml"
lab_ctl peer add alice --groups daylight >"$LAB_DIR/alice.conf"
lab_connect_client alice "$LAB_DIR/alice.conf"

url="http://$LAB_TUNNEL_ADDRESS:$LAB_WMS_PORT/wms"

# OWSLib, version $2: capabilities, a GetMap and a GetFeatureInfo. Prints
# what it saw, one fact a line, for the checks below.
owslib_session() {
    lab_in alice /usr/bin/python3 - "$url" "$1" "$LAB_DIR/owslib-$1.png" <<'PY'
import sys
from owslib.wms import WebMapService
url, version, png = sys.argv[1:4]
wms = WebMapService(url, version=version, timeout=20)
print("version", wms.identification.version)
print("layers", ",".join(sorted(wms.contents)))
layer = wms["blue-marble"]
crs = {c if isinstance(c, str) else c[-1] for c in layer.crsOptions}
print("crs", ",".join(sorted(str(c) for c in crs)))
print("queryable", layer.queryable)
print("styles", ",".join(sorted(layer.styles)))
print("formats", ",".join(wms.getOperationByName("GetMap").formatOptions))
srs = "EPSG:4326"
img = wms.getmap(layers=["blue-marble"], styles=[""], srs=srs, bbox=(-180, -90, 180, 90),
                 size=(300, 150), format="image/png", transparent=True)
open(png, "wb").write(img.read())
info = wms.getfeatureinfo(layers=["blue-marble"], srs=srs, bbox=(-180, -90, 180, 90),
                          size=(300, 150), format="image/png", query_layers=["blue-marble"],
                          info_format="text/plain", xy=(150, 75))
print("info", info.read().decode().replace("\n", " | "))
PY
}

# True when the file is an image GDAL reads, of the given driver and size,
# whose pixels are not all equal.
image_is_real_map() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
from osgeo import gdal
path, driver, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
gdal.UseExceptions()
ds = gdal.Open(path)
ok = ds.GetDriver().ShortName == driver and ds.RasterXSize == width and ds.RasterYSize == height
spread = max(ds.GetRasterBand(b).ComputeRasterMinMax(False)[1] - ds.GetRasterBand(b).ComputeRasterMinMax(False)[0]
             for b in range(1, min(ds.RasterCount, 3) + 1))
print(f"{path}: {ds.GetDriver().ShortName} {ds.RasterXSize}x{ds.RasterYSize}, value spread {spread}")
sys.exit(0 if ok and spread > 0 else 1)
PY
}

for version in 1.3.0 1.1.1; do
    owslib_session "$version" >"$LAB_DIR/owslib-$version.txt" 2>"$LAB_DIR/owslib-$version.err" ||
        cat "$LAB_DIR/owslib-$version.err" >&2
    facts=$LAB_DIR/owslib-$version.txt
    check "OWSLib $version: the server answers in $version" grep -qx "version $version" "$facts"
    check "OWSLib $version: alice sees exactly blue-marble" grep -qx "layers blue-marble" "$facts"
    check "OWSLib $version: EPSG:3857 is offered" grep -q "^crs .*EPSG:3857" "$facts"
    check "OWSLib $version: the layer is queryable" grep -qx "queryable 1" "$facts"
    check "OWSLib $version: JPEG and WebP are offered" grep -q "^formats .*image/jpeg.*image/webp" "$facts"
    check "OWSLib $version: GetMap gives a 300x150 PNG of real imagery" \
        image_is_real_map "$LAB_DIR/owslib-$version.png" PNG 300 150
    check "OWSLib $version: GetFeatureInfo reports band values" grep -q "^info .*band_1 = " "$facts"
done

gdal_wms="WMS:$url?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=blue-marble&SRS=EPSG:4326&BBOX=-180,-90,180,90&FORMAT=image/jpeg"
# With LAYERS in the URL GDAL's WMS driver opens the dataset without asking
# the server anything ("Driver: WMS" prints with the server down): only
# pixels prove the tunnel. A service description of 512x256 pixels lets
# gdalinfo -checksum read all of them; a block it cannot fetch is an ERROR
# line (gdalinfo still exits 0).
cat >"$LAB_DIR/blue-marble.xml" <<XML
<GDAL_WMS>
  <Service name="WMS"><Version>1.1.1</Version><ServerUrl>$url?</ServerUrl><SRS>EPSG:4326</SRS>
    <ImageFormat>image/jpeg</ImageFormat><Layers>blue-marble</Layers></Service>
  <DataWindow><UpperLeftX>-180</UpperLeftX><UpperLeftY>90</UpperLeftY>
    <LowerRightX>180</LowerRightX><LowerRightY>-90</LowerRightY><SizeX>512</SizeX><SizeY>256</SizeY></DataWindow>
  <BandsCount>3</BandsCount><BlockSizeX>256</BlockSizeX><BlockSizeY>256</BlockSizeY>
</GDAL_WMS>
XML
gdalinfo_reads_pixels() {
    GDAL_HTTP_TIMEOUT=20 lab_in alice gdalinfo -checksum "$LAB_DIR/blue-marble.xml" >"$LAB_DIR/gdalinfo.txt" 2>&1 &&
        grep -q "Driver: WMS" "$LAB_DIR/gdalinfo.txt" && ! grep -q "ERROR" "$LAB_DIR/gdalinfo.txt" &&
        [[ $(grep -c "Checksum=" "$LAB_DIR/gdalinfo.txt") -ge 3 ]] &&
        ! grep -q "Checksum=0$" "$LAB_DIR/gdalinfo.txt"
}
lab_in alice gdal_translate -q -of PNG -outsize 256 128 "$gdal_wms" "$LAB_DIR/gdal-jpeg.png" \
    >/dev/null 2>"$LAB_DIR/gdal.err" || cat "$LAB_DIR/gdal.err" >&2
check "gdal_translate reads JPEG maps through the tunnel" \
    image_is_real_map "$LAB_DIR/gdal-jpeg.png" PNG 256 128
check "gdalinfo -checksum reads pixels of the layer through the tunnel" gdalinfo_reads_pixels

mercator="WMS:$url?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&CRS=EPSG:3857&BBOX=-20037508,-20037508,20037508,20037508&FORMAT=image/png"
lab_in alice gdal_translate -q -of GTiff -outsize 200 200 "$mercator" "$LAB_DIR/mercator.tif" \
    >/dev/null 2>"$LAB_DIR/gdal3857.err" || cat "$LAB_DIR/gdal3857.err" >&2
check "gdal_translate reads a Web Mercator map (1.3.0)" \
    image_is_real_map "$LAB_DIR/mercator.tif" GTiff 200 200

lab_wms alice "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=blue-marble&STYLES=&CRS=EPSG:4326&BBOX=-90,-180,90,180&WIDTH=1024&HEIGHT=768&FORMAT=image/webp" \
    >"$LAB_DIR/map.webp"
check "a 1024x768 WebP map arrives through the tunnel" \
    image_is_real_map "$LAB_DIR/map.webp" WEBP 1024 768

check_summary

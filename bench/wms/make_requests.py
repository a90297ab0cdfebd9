#!/usr/bin/python3
"""Fixed-seed request lists, one file per scenario, one query string a line.
Both servers get the very same lines. Usage: make_requests.py OUTDIR [COUNT]"""
import os
import random
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
os.makedirs(out, exist_ok=True)
rnd = random.Random(424242)

# Ortho extent (EPSG:3857) and its WGS84 box; DEM extent (EPSG:4326).
MX0, MY1, SPAN = 556597.0, 6800125.0, 1113195.0
# The vector data's square (make_data.py's VX0, VY1, VSPAN).
VX0, VY1, VSPAN = MX0 + 200000.0, MY1 - 200000.0, 100000.0
LON0, LAT0, LON1, LAT1 = 5.0, 45.0, 10.0, 52.0


def box_3857(tile_span):
    x = rnd.uniform(MX0, MX0 + SPAN - tile_span)
    y = rnd.uniform(MY1 - SPAN, MY1 - tile_span)
    return f"{x:.3f},{y:.3f},{x + tile_span:.3f},{y + tile_span:.3f}"


def box_vector(tile_span):
    x = rnd.uniform(VX0, VX0 + VSPAN - tile_span)
    y = rnd.uniform(VY1 - VSPAN, VY1 - tile_span)
    return f"{x:.3f},{y:.3f},{x + tile_span:.3f},{y + tile_span:.3f}"


def box_4326(width_deg, height_deg, latlon):
    lon = rnd.uniform(LON0, LON1 - width_deg)
    lat = rnd.uniform(LAT0, LAT1 - height_deg)
    if latlon:
        return f"{lat:.6f},{lon:.6f},{lat + height_deg:.6f},{lon + width_deg:.6f}"
    return f"{lon:.6f},{lat:.6f},{lon + width_deg:.6f},{lat + height_deg:.6f}"


def getmap(layer, crs, box, size, fmt, style=""):
    return (f"SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES={style}&LAYERS={layer}&CRS={crs}"
            f"&BBOX={box}&WIDTH={size[0]}&HEIGHT={size[1]}&FORMAT={fmt}")


TILE, MAP = (256, 256), (1024, 768)
# Name -> one request; layer names as in bench.toml.in and bench.map.in.
scenarios = {
    # The JPEG-YCbCr orthophoto: web-map tiles in its own CRS and reprojected,
    # and a screen-sized JPEG map.
    "png_native": lambda: getmap("ortho_jpeg", "EPSG:3857", box_3857(rnd.choice([20000, 40000, 80000])),
                                 TILE, "image/png"),
    "png_4326": lambda: getmap("ortho_jpeg", "EPSG:4326", box_4326(0.3, 0.2, True), TILE, "image/png"),
    "jpeg_1024": lambda: getmap("ortho_jpeg", "EPSG:3857", box_3857(200000), MAP, "image/jpeg"),
    "dem_ramp": lambda: getmap("dem", "EPSG:4326", box_4326(0.5, 0.5, True), TILE, "image/png",
                               "elevation"),
    # 256 GeoTIFFs behind a VRT: a tile touches one to four of them.
    "mosaic": lambda: getmap("mosaic", "EPSG:3857", box_3857(rnd.choice([20000, 40000, 80000])),
                             TILE, "image/png"),
    # The orthophoto as a COG over HTTP range requests.
    "cog": lambda: getmap("ortho_cog", "EPSG:3857", box_3857(rnd.choice([20000, 40000, 80000])),
                          TILE, "image/png"),
    # The earlier DEFLATE synthetic image, screen-sized JPEG maps.
    # Parcels (5 classes) under roads, as web-map tiles of zoom 12 to 15.
    "vector": lambda: getmap("parcels,roads", "EPSG:3857",
                             box_vector(rnd.choice([5000, 10000, 20000, 40000])), TILE, "image/png"),
    "deflate_jpeg": lambda: getmap("ortho_deflate", "EPSG:3857", box_3857(200000), MAP, "image/jpeg"),
}
for name, make in scenarios.items():
    with open(os.path.join(out, name + ".txt"), "w") as f:
        for _ in range(count):
            f.write(make() + "\n")

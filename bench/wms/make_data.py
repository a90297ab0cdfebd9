#!/usr/bin/python3
"""Deterministic benchmark data (same bytes on every run):
  ortho.tif  8192x8192 RGB Byte, EPSG:3857, tiled 256, DEFLATE, overviews 2..32
  dem.tif    4096x4096 Float32, EPSG:4326, nodata -9999, tiled, overviews
Usage: make_data.py OUTDIR"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261129)


def create(path, size, bands, dtype, epsg, gt, nodata=None):
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, size, size, bands, dtype,
                    ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetGeoTransform(gt)
    if nodata is not None:
        ds.GetRasterBand(1).SetNoDataValue(nodata)
    return ds


def ortho(path):
    size = 8192
    # A Web Mercator square around central Europe (about 5..15 E, 45..52 N).
    x0, y0, span = 556597.0, 6800125.0, 1113195.0
    ds = create(path, size, 3, gdal.GDT_Byte, 3857, (x0, span / size, 0, y0, 0, -span / size))
    rows = 512
    for top in range(0, size, rows):
        y, x = np.mgrid[top:top + rows, 0:size].astype(np.float32)
        noise = rng.integers(0, 48, size=(3, rows, size), dtype=np.int32)
        base = [np.sin(x / 97.0) * np.cos(y / 131.0), np.sin((x + y) / 211.0), np.cos(x / 53.0 - y / 71.0)]
        for b in range(3):
            band = ((base[b] + 1) * 100 + noise[b]).clip(0, 255).astype(np.uint8)
            ds.GetRasterBand(b + 1).WriteArray(band, 0, top)
    ds.BuildOverviews("AVERAGE", [2, 4, 8, 16, 32])
    ds = None


def dem(path):
    size = 4096
    ds = create(path, size, 1, gdal.GDT_Float32, 4326, (5.0, 10.0 / size, 0, 52.0, 0, -7.0 / size), -9999)
    rows = 512
    for top in range(0, size, rows):
        y, x = np.mgrid[top:top + rows, 0:size].astype(np.float32)
        h = 1500 + 1200 * np.sin(x / 300.0) * np.cos(y / 410.0) + rng.normal(0, 15, (rows, size))
        h[(x - 2048) ** 2 + (y - 2048) ** 2 < 200 ** 2] = -9999  # a nodata lake
        ds.GetRasterBand(1).WriteArray(h.astype(np.float32), 0, top)
    ds.BuildOverviews("AVERAGE", [2, 4, 8, 16])
    ds = None


for name, make in (("ortho.tif", ortho), ("dem.tif", dem)):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        make(path)
        print("wrote", path)

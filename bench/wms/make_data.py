#!/usr/bin/python3
"""Deterministic benchmark data in the formats users have (same pixels on
every run; files already there are kept):
  ortho_jpeg.tif   8192x8192 aerial-looking RGB, EPSG:3857, tiled 256,
                   JPEG (quality 85) in YCbCr, JPEG overviews 2..32: how
                   orthophotos are delivered
  ortho_cog.tif    the same pixels as a Cloud Optimized GeoTIFF (JPEG,
                   YCbCr, 256 tiles, overviews), read over HTTP range
                   requests through /vsicurl/
  mosaic.vrt       the same pixels cut into 16x16 = 256 GeoTIFFs of 512x512
                   (mosaic/, JPEG YCbCr) joined by a VRT with JPEG overviews
                   in mosaic.vrt.ovr: the tile-index case
  ortho.tif        the earlier synthetic RGB, DEFLATE, overviews 2..32
  dem.tif          4096x4096 Float32, EPSG:4326, nodata -9999, DEFLATE, overviews
  vectors.gpkg     EPSG:3857 over a 100 km square inside the ortho: layer
                   "parcels", 5,000 jittered hexagons (every tenth with a
                   hole) in 5 classes; layer "roads", 1,000 lines of 20
                   vertices
Usage: make_data.py OUTDIR"""
import os
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

# A Web Mercator square around central Europe (about 5..15 E, 45.4..52 N).
SIZE = 8192
X0, Y0, SPAN = 556597.0, 6800125.0, 1113195.0
ORTHO_GT = (X0, SPAN / SIZE, 0, Y0, 0, -SPAN / SIZE)
EARTH = "/usr/share/xplanet/images/earth.jpg"  # Blue Marble, 2048x1024, EPSG:4326
TILED = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"]
JPEG_YCBCR = TILED + ["COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "JPEG_QUALITY=85"]
OVERVIEWS = [2, 4, 8, 16, 32]


def wkt(epsg):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    return srs.ExportToWkt()


def create(path, size, bands, dtype, epsg, gt, options, nodata=None):
    ds = gdal.GetDriverByName("GTiff").Create(path, size, size, bands, dtype, options)
    ds.SetProjection(wkt(epsg))
    ds.SetGeoTransform(gt)
    if nodata is not None:
        ds.GetRasterBand(1).SetNoDataValue(nodata)
    return ds


def ortho(path):
    """The earlier synthetic image: smooth waves plus uniform noise, DEFLATE."""
    rng = np.random.default_rng(20261129)
    ds = create(path, SIZE, 3, gdal.GDT_Byte, 3857, ORTHO_GT, TILED + ["COMPRESS=DEFLATE"])
    rows = 512
    for top in range(0, SIZE, rows):
        y, x = np.mgrid[top:top + rows, 0:SIZE].astype(np.float32)
        noise = rng.integers(0, 48, size=(3, rows, SIZE), dtype=np.int32)
        base = [np.sin(x / 97.0) * np.cos(y / 131.0), np.sin((x + y) / 211.0), np.cos(x / 53.0 - y / 71.0)]
        for b in range(3):
            band = ((base[b] + 1) * 100 + noise[b]).clip(0, 255).astype(np.uint8)
            ds.GetRasterBand(b + 1).WriteArray(band, 0, top)
    ds.BuildOverviews("AVERAGE", OVERVIEWS)
    ds = None


class SmoothNoise:
    """Noise correlated over about `cell` pixels: a coarse random grid over
    the whole image, enlarged by bilinear interpolation (no blocky edges, no
    seams between the strips it is read in)."""

    def __init__(self, rng, size, cell):
        self.cell = cell
        self.coarse = rng.normal(0, 1, (size // cell + 2, size // cell + 2)).astype(np.float32)

    def rows(self, top, count, cols):
        fy = (np.arange(top, top + count, dtype=np.float32) + 0.5) / self.cell
        fx = (np.arange(cols, dtype=np.float32) + 0.5) / self.cell
        iy, ix = fy.astype(int), fx.astype(int)
        wy, wx = (fy - iy)[:, None], (fx - ix)[None, :]
        c = self.coarse
        upper = c[iy][:, ix] * (1 - wx) + c[iy][:, ix + 1] * wx
        lower = c[iy + 1][:, ix] * (1 - wx) + c[iy + 1][:, ix + 1] * wx
        return upper * (1 - wy) + lower * wy


def aerial(mem):
    """Aerial-looking pixels in a MEM dataset: the Blue Marble's colours of
    the region (smooth at this scale) under a patchwork of fields with their
    own tint and grain, tree-like blotches, roads, and sensor noise, so that
    JPEG has the edges and texture of real imagery to compress."""
    src = gdal.Translate("/vsimem/earth.vrt", EARTH, format="VRT", outputSRS="EPSG:4326",
                         outputBounds=[-180, 90, 180, -90])
    gdal.Warp(mem, src, resampleAlg="bilinear")
    src = None
    gdal.Unlink("/vsimem/earth.vrt")
    rng = np.random.default_rng(20261203)
    # Fields: rows of cells 64..320 px, each row shifted, each cell a tint.
    field_h = rng.integers(64, 320, size=64)
    field_top = np.concatenate([[0], np.cumsum(field_h)])
    tints = rng.normal(0, 1, (len(field_h), 128, 3)).astype(np.float32) * [22, 26, 14]
    widths = rng.integers(96, 384, size=len(field_h))
    shifts = rng.integers(0, 384, size=len(field_h))
    roads_x = rng.integers(0, SIZE, size=14)
    roads_y = rng.integers(0, SIZE, size=14)
    tree_noise, grain_noise = SmoothNoise(rng, SIZE, 12), SmoothNoise(rng, SIZE, 3)
    rows = 512
    x = np.arange(SIZE)
    for top in range(0, SIZE, rows):
        base = mem.ReadAsArray(0, top, SIZE, rows).astype(np.float32)  # (3, rows, SIZE)
        y = np.arange(top, top + rows)
        field = np.searchsorted(field_top, y, side="right") - 1
        cell = ((x[None, :] + shifts[field][:, None]) // widths[field][:, None]) % 128
        tint = tints[field[:, None], cell]  # (rows, SIZE, 3)
        trees = np.clip(tree_noise.rows(top, rows, SIZE) - 0.6, 0, None) * 55
        grain = grain_noise.rows(top, rows, SIZE) * 9
        for b in range(3):
            band = base[b] * 1.1 + 20 + tint[:, :, b] - trees * (1.0 if b != 1 else 0.6) + grain
            band += rng.normal(0, 4, (rows, SIZE))
            for rx in roads_x:
                band[:, max(rx - 2, 0):rx + 2] = 190 + 8 * b
            for ry in roads_y[(roads_y >= top) & (roads_y < top + rows)]:
                band[ry - top:ry - top + 4, :] = 190 + 8 * b
            mem.GetRasterBand(b + 1).WriteArray(band.clip(0, 255).astype(np.uint8), 0, top)


def ortho_family(dir_):
    """ortho_jpeg.tif, ortho_cog.tif and the mosaic, all from one image."""
    mem = gdal.GetDriverByName("MEM").Create("", SIZE, SIZE, 3, gdal.GDT_Byte)
    mem.SetProjection(wkt(3857))
    mem.SetGeoTransform(ORTHO_GT)
    aerial(mem)

    path = os.path.join(dir_, "ortho_jpeg.tif")
    gdal.GetDriverByName("GTiff").CreateCopy(path, mem, options=JPEG_YCBCR)
    gdal.SetConfigOption("JPEG_QUALITY_OVERVIEW", "85")
    ds = gdal.Open(path, gdal.GA_Update)
    ds.BuildOverviews("AVERAGE", OVERVIEWS)  # internal, JPEG YCbCr like the image
    ds = None
    print("wrote", path)

    path = os.path.join(dir_, "ortho_cog.tif")
    gdal.GetDriverByName("COG").CreateCopy(path, mem, options=[
        "COMPRESS=JPEG", "QUALITY=85", "OVERVIEW_QUALITY=85", "BLOCKSIZE=256",
        "RESAMPLING=AVERAGE"])
    print("wrote", path)

    tiles_dir = os.path.join(dir_, "mosaic")
    os.makedirs(tiles_dir, exist_ok=True)
    tile, tiles = 512, []
    for row in range(SIZE // tile):
        for col in range(SIZE // tile):
            tile_path = os.path.join(tiles_dir, f"tile_{row:02d}_{col:02d}.tif")
            gdal.Translate(tile_path, mem, srcWin=[col * tile, row * tile, tile, tile],
                           creationOptions=JPEG_YCBCR)
            tiles.append(tile_path)
    path = os.path.join(dir_, "mosaic.vrt")
    gdal.BuildVRT(path, tiles)
    gdal.SetConfigOption("COMPRESS_OVERVIEW", "JPEG")
    gdal.SetConfigOption("PHOTOMETRIC_OVERVIEW", "YCBCR")
    gdal.SetConfigOption("INTERLEAVE_OVERVIEW", "PIXEL")
    ds = gdal.Open(path, gdal.GA_ReadOnly)
    ds.BuildOverviews("AVERAGE", OVERVIEWS)  # external: mosaic.vrt.ovr
    ds = None
    print("wrote", path, "over", len(tiles), "GeoTIFFs")


def dem(path):
    rng = np.random.default_rng(20261129)
    size = 4096
    ds = create(path, size, 1, gdal.GDT_Float32, 4326, (5.0, 10.0 / size, 0, 52.0, 0, -7.0 / size),
                TILED + ["COMPRESS=DEFLATE"], -9999)
    rows = 512
    for top in range(0, size, rows):
        y, x = np.mgrid[top:top + rows, 0:size].astype(np.float32)
        h = 1500 + 1200 * np.sin(x / 300.0) * np.cos(y / 410.0) + rng.normal(0, 15, (rows, size))
        h[(x - 2048) ** 2 + (y - 2048) ** 2 < 200 ** 2] = -9999  # a nodata lake
        ds.GetRasterBand(1).WriteArray(h.astype(np.float32), 0, top)
    ds.BuildOverviews("AVERAGE", [2, 4, 8, 16])
    ds = None


# The vector scenario's square (EPSG:3857), inside the ortho.
VX0, VY1, VSPAN = X0 + 200000.0, Y0 - 200000.0, 100000.0
CLASSES = ["residential", "forest", "field", "water", "industry"]


def vectors(path):
    rng = np.random.default_rng(20261203)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3857)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    parcels = ds.CreateLayer("parcels", srs, ogr.wkbPolygon)
    parcels.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
    parcels.CreateField(ogr.FieldDefn("class", ogr.OFTString))
    cell = VSPAN / 71
    ds.StartTransaction()
    for n in range(5000):
        cx = VX0 + (n % 71 + 0.5) * cell
        cy = VY1 - (n // 71 + 0.5) * cell
        poly = ogr.Geometry(ogr.wkbPolygon)
        for scale in ([0.48, 0.15] if n % 10 == 0 else [0.48]):
            ring = ogr.Geometry(ogr.wkbLinearRing)
            for k in range(6):
                a = k * np.pi / 3 + (0 if scale > 0.2 else np.pi)
                r = cell * scale * rng.uniform(0.85, 1.0)
                ring.AddPoint_2D(cx + r * np.cos(a), cy + r * np.sin(a))
            ring.CloseRings()
            poly.AddGeometry(ring)
        f = ogr.Feature(parcels.GetLayerDefn())
        f.SetField("id", n)
        f.SetField("class", CLASSES[int(rng.integers(0, 5))])
        f.SetGeometry(poly)
        parcels.CreateFeature(f)
    roads = ds.CreateLayer("roads", srs, ogr.wkbLineString)
    roads.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
    for n in range(1000):
        x, y = VX0 + rng.uniform(0, VSPAN), VY1 - rng.uniform(0, VSPAN)
        heading = rng.uniform(0, 2 * np.pi)
        line = ogr.Geometry(ogr.wkbLineString)
        for _ in range(20):
            line.AddPoint_2D(x, y)
            heading += rng.uniform(-0.5, 0.5)
            x, y = x + 600 * np.cos(heading), y + 600 * np.sin(heading)
        f = ogr.Feature(roads.GetLayerDefn())
        f.SetField("id", n)
        f.SetGeometry(line)
        roads.CreateFeature(f)
    ds.CommitTransaction()
    ds = None


for name, make in (("ortho.tif", ortho), ("dem.tif", dem), ("vectors.gpkg", vectors)):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        make(path)
        print("wrote", path)
# The last file ortho_family writes: its presence means all are complete.
if not os.path.exists(os.path.join(out, "mosaic.vrt.ovr")):
    ortho_family(out)

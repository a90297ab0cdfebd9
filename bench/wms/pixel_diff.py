#!/usr/bin/python3
"""Mean absolute difference (0..255) of the RGB pixels of two images of the
same size (PNG or JPEG), to check that two servers drew the same map.
Prints "-" when either is not an image or the sizes differ.
Usage: pixel_diff.py A B"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")
try:
    a, b = (gdal.Open(path).ReadAsArray().astype(np.int16)[:3] for path in sys.argv[1:3])
    print(f"{np.abs(a - b).mean():.2f}" if a.shape == b.shape else "-")
except RuntimeError:
    print("-")

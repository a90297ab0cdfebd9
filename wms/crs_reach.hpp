#pragma once

// How far from a CRS's area of use a map may ask PROJ for positions.
// Private to wms/.
//
// A request's BBOX is the client's to choose, and GDAL brings a longitude
// back into range one turn of 360 degrees at a time: a Web Mercator BBOX
// at -3e17 m held one render thread for over 15 minutes in one PROJ call,
// which neither the render deadline nor the stop token can interrupt. WMS
// 1.3.0 (6.7.4) asks for empty content beyond a CRS's valid range, so
// points beyond the reach are simply not drawn and never reach PROJ.

#include <ogr_spatialref.h>

#include <cstddef>

#include "wms/geo.hpp"

namespace wmsgate::wms {

// EPSG:`epsg`'s area of use in its own coordinates (x first), widened on
// every side by twice its larger span, so that a map across the
// antimeridian or over a neighbouring copy of the world still draws.
// Cached per code; thread-safe.
MapBox crs_reach(int epsg);

// True when (x, y) lies in `box`, edges included; false for NaN.
bool within(const MapBox& box, double x, double y);

// Transforms the `n` points (x first, in place) that lie within `reach`;
// ok[k] is TRUE where point k was transformed. Points outside never reach
// PROJ and keep their coordinates.
void transform_within(OGRCoordinateTransformation& transform, const MapBox& reach, std::size_t n,
                      double* x, double* y, int* ok);

}  // namespace wmsgate::wms

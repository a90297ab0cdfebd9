#pragma once

// A layer's extent and CRS name as capabilities give them, whether the
// layer is a raster or a vector one. Private to wms/.

#include <ogr_spatialref.h>

#include <string>
#include <tl/expected.hpp>

#include "wms/errors.hpp"
#include "wms/geo.hpp"

namespace wmsgate::wms {

// `box` of `srs` in WGS84 longitude/latitude (edges densified, clamped to
// the globe). extent_not_transformable when PROJ cannot.
tl::expected<GeoBox, Errc> wgs84_extent(const OGRSpatialReference& srs, const MapBox& box);

// "EPSG:n" when the CRS has (or can be matched to) an EPSG code, else empty.
std::string epsg_name(const OGRSpatialReference* srs);

}  // namespace wmsgate::wms

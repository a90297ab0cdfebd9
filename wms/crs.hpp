#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wmsgate::wms {

// A CRS a request named and GDAL knows.
struct CrsRef {
    std::string name;  // canonical spelling: "EPSG:3857", "CRS:84"
    int epsg = 0;      // the EPSG code GDAL renders in (4326 for CRS:84)
    // WMS 1.3.0 (6.7.3.3) writes BBOX in the CRS's own axis order; true when
    // that order is latitude/longitude or northing/easting, so the request's
    // first pair of numbers is y, not x. Never true for CRS:84.
    bool yx_in_130 = false;
};

// Looks a CRS name up ("EPSG:n" for any code GDAL knows, "CRS:84"),
// case-insensitively. Thread-safe; results are cached because asking PROJ's
// database costs far more than a cache lookup.
std::optional<CrsRef> resolve_crs(std::string_view name);

}  // namespace wmsgate::wms

#include "wms/geo.hpp"

namespace wmsgate::wms {

// `extent` (WGS84) in the CRS with this EPSG code, x first, clipped to the
// CRS's area of use first so that e.g. Web Mercator never sees the poles.
// nullopt when nothing is left or PROJ cannot transform it.
std::optional<MapBox> project_extent(const GeoBox& extent, int epsg);

}  // namespace wmsgate::wms

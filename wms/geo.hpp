#pragma once

namespace wmsgate::wms {

// A box in WGS84 longitude/latitude degrees, always in lon/lat order whatever
// axis order the request used.
struct GeoBox {
    double west = 0;
    double south = 0;
    double east = 0;
    double north = 0;

    bool operator==(const GeoBox&) const = default;
};

// A box in a map CRS, x (easting or longitude) first, whatever axis order the
// CRS's definition or the request used.
struct MapBox {
    double minx = 0;
    double miny = 0;
    double maxx = 0;
    double maxy = 0;

    bool operator==(const MapBox&) const = default;
};

}  // namespace wmsgate::wms

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

}  // namespace wmsgate::wms

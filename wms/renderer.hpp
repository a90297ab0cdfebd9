#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "wms/geo.hpp"
#include "wms/request.hpp"

namespace wmsgate::wms {

// What to draw: datasets bottom first, warped to EPSG:4326 over `bbox`.
struct MapJob {
    std::vector<std::string> sources;
    GeoBox bbox;
    unsigned width = 0;
    unsigned height = 0;
    bool transparent = false;
    Rgb background;  // used when not transparent
};

// Renders the map as PNG bytes. Areas without data are transparent, or the
// background colour for opaque maps. Safe to call from several threads at
// once: each thread opens and keeps its own datasets (GDAL 3.6 datasets must
// not be shared between threads).
tl::expected<std::string, std::error_code> render_png(const MapJob& job);

}  // namespace wmsgate::wms

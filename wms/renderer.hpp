#pragma once

#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "wms/area.hpp"
#include "wms/geo.hpp"
#include "wms/resampling.hpp"
#include "wms/rgba_image.hpp"
#include "wms/styles.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

struct LayerJob {
    std::string source;
    Paint paint;
    // Where the client may see this layer; null: everywhere. Outside it the
    // layer draws nothing, exactly as outside its data.
    std::shared_ptr<const Area> area;
    Resampling resampling = Resampling::bilinear;
    // Set for a vector layer: drawn from its features, `source` and
    // `paint` unused.
    std::shared_ptr<const VectorLayerSpec> vector = nullptr;
};

// What to draw: layers bottom first, warped to EPSG:`epsg` over `bbox`.
struct MapJob {
    std::vector<LayerJob> layers;
    int epsg = 4326;
    MapBox bbox;  // x first
    unsigned width = 0;
    unsigned height = 0;
    bool transparent = false;
    Rgb background;  // used when not transparent
    // Checked before each band of rows: a map nobody waits for any more
    // stops there with Errc::cancelled.
    std::stop_token stop;
};

struct RenderError {
    std::error_code code;
    std::size_t layer = 0;  // index into MapJob::layers
    std::string gdal;       // GDAL's own message, if it gave one
};

// Renders the map. Areas without data, or outside what the CRS can show,
// are transparent, or the background colour for opaque maps. Safe to call
// from several threads at once: each thread uses its own datasets.
tl::expected<RgbaImage, RenderError> render_map(const MapJob& job);

}  // namespace wmsgate::wms

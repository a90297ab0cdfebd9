#pragma once

// What the catalog learns from a vector layer at start-up. Private to wms/.

#include <memory>
#include <string>
#include <tl/expected.hpp>

#include "wms/geo.hpp"
#include "wms/service_config.hpp"
#include "wms/vector_layer.hpp"
#include "wms/vector_source.hpp"

namespace wmsgate::wms {

struct VectorLayerFacts {
    std::shared_ptr<const VectorLayerSpec> spec;
    GeoBox extent;           // WGS84; the whole globe for a layer with no features yet
    std::string native_crs;  // "EPSG:n", or empty
    bool spatial_index = false;
};

// Opens the layer once: its CRS, extent, filters and fields are checked.
tl::expected<VectorLayerFacts, VectorOpenError> open_vector_layer(const LayerConfig& config);

}  // namespace wmsgate::wms

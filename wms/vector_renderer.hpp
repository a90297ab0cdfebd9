#pragma once

// Draws one vector layer of a map. Private to wms/ (render_map calls it).

#include <system_error>
#include <tl/expected.hpp>

#include "wms/area.hpp"
#include "wms/renderer.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

// Reads the features whose boxes meet the map (the source's spatial filter,
// grown by the widest stroke or point), gives each the first rule that
// applies at the map's scale and matches it, and draws it onto `map` in the
// source's order. Outside `area` (null: everywhere) nothing is drawn.
// Errors: dataset_unreadable, render_failed, cancelled.
tl::expected<void, std::error_code> draw_vector_layer(const VectorLayerSpec& spec, const Area* area,
                                                      const MapJob& job, RgbaImage& map);

}  // namespace wmsgate::wms

#pragma once

// GetFeatureInfo on a vector layer. Private to wms/.

#include <string>
#include <tl/expected.hpp>

#include "wms/feature_info.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

// How far from the clicked pixel a feature still counts as under it, on top
// of how far its own symbol reaches (half a stroke, half a point's disc):
// a one-pixel line is hard to hit exactly.
inline constexpr double feature_info_tolerance_pixels = 3;

// The features drawn at pixel (i, j) of `map` (those a rule active at the
// map's scale matches), at most `max_features`, in the source's order,
// with the attributes the layer's `fields` allow. Uses this thread's handle.
tl::expected<LayerValues, SampleError> query_vector_features(const std::string& layer,
                                                             const VectorLayerSpec& spec,
                                                             const GetMapRequest& map, unsigned i,
                                                             unsigned j, unsigned max_features);

}  // namespace wmsgate::wms

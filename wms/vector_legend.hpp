#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/legend.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

// One row per rule, top to bottom in the rules' order: the rule's symbol
// (a filled box for polygons, a stroke for lines, a disc for points) and
// its title in a small bitmap font (ASCII; other characters show as '?').
LegendSize vector_legend_size(const VectorLayerSpec& spec);

// The legend as PNG, `size` or the natural size where a side is 0; rows
// that do not fit are cut off.
tl::expected<std::string, std::error_code> vector_legend_png(const VectorLayerSpec& spec,
                                                             LegendSize size);

}  // namespace wmsgate::wms

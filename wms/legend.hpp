#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/styles.hpp"

namespace wmsgate::wms {

struct LegendSize {
    unsigned width = 0;
    unsigned height = 0;
};

// A ramp legend is a vertical bar, high values on top; an RGB layer's legend
// is a small neutral swatch, since its colours are the data itself.
LegendSize natural_legend_size(const Paint& paint);

// The legend as PNG, `size` or the natural size where a side is 0.
tl::expected<std::string, std::error_code> legend_png(const Paint& paint, LegendSize size);

}  // namespace wmsgate::wms

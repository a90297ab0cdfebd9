#pragma once

// Resampling a source window onto map pixels. Private to wms/'s
// rendering.

#include <cstddef>
#include <cstdint>

#include "wms/pixel_mapping.hpp"
#include "wms/resampling.hpp"
#include "wms/rgba_image.hpp"
#include "wms/source_window.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {

// Where a layer's pixels go: the map, rows [y0, y1), and the source
// raster's full-resolution size (positions outside it draw nothing).
struct ResampleTarget {
    RgbaImage& map;
    unsigned y0 = 0;
    unsigned y1 = 0;
    int source_width = 0;
    int source_height = 0;
    // One byte per map pixel (the whole map, row-major): 0 where the layer
    // must draw nothing, as outside its data. Null: draw everywhere.
    const std::uint8_t* mask = nullptr;

    // Row `y`'s mask bytes, or null when the whole row may be drawn.
    const std::uint8_t* mask_row(unsigned y) const {
        return mask == nullptr ? nullptr : mask + std::size_t(y) * map.width;
    }
};

// Whether column x of a row whose mask_row() is `mask_row` must stay undrawn.
inline bool masked(const std::uint8_t* mask_row, unsigned x) {
    return mask_row != nullptr && mask_row[x] == 0;
}

// Draws one layer's strip straight onto the map ("source over"): each map
// pixel sampled from `window` with the layer's kernel at the position
// `mapping` gives it, weighted by the source pixels' alpha or coverage, so
// that the edges of nodata and transparent areas neither darken nor spread.
// Values are then scaled or drawn through the paint's ramp.
void resample(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
              const PixelMapping& mapping, const ResampleTarget& target, Resampling kernel);

}  // namespace wmsgate::wms

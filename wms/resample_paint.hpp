#pragma once

// What every resampling kernel does with band values once it has sampled
// them: paint them through the layer's ramp or stretch. Private to wms/'s
// rendering.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "wms/source_window.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {

// `value` holds `layout.channels` sampled values and `coverage` how much of
// the sample had data (0..1, may exceed 1 slightly with cubic weights).
// False where nothing is drawn (no data, or outside the ramp's range).
inline bool paint_values(const Paint& paint, const SourceLayout& layout, const double* value,
                         double coverage, std::uint8_t* pixel) {
    if (!paint.as_is) {
        const auto f = ramp_fraction(paint, value[0]);
        if (!f) return false;
        const auto& lut = ramp_lut(paint.ramp);
        const Rgb colour = lut[static_cast<std::size_t>(*f * (lut.size() - 1) + 0.5)];
        pixel[0] = colour.r;
        pixel[1] = colour.g;
        pixel[2] = colour.b;
    } else {
        for (int c = 0; c < 3; ++c) {
            const auto t = ramp_fraction(paint, value[layout.channels == 1 ? 0 : c]);
            pixel[c] = t ? static_cast<std::uint8_t>(std::lround(*t * 255.0)) : 0;
        }
    }
    pixel[3] = static_cast<std::uint8_t>(std::clamp(coverage, 0.0, 1.0) * 255.0 + 0.5);
    return true;
}

}  // namespace wmsgate::wms

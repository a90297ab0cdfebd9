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

// Round half up, as floor(x + 0.5): exact for the non-negative fractions
// rounded here and right for negative ones too, unlike truncating x + 0.5.
// std::floor compiles to a few instructions at -O2; std::lround would be a
// libm call per pixel and tap.
template <typename Int>
inline Int round_half_up(double x) {
    return static_cast<Int>(std::floor(x + 0.5));
}

// `value` holds `layout.channels` sampled values and `coverage` how much of
// the sample had data (0..1, may exceed 1 slightly with cubic weights).
// False where nothing is drawn (no data, or outside the ramp's range).
inline bool paint_values(const Paint& paint, const SourceLayout& layout, const double* value,
                         double coverage, std::uint8_t* pixel) {
    if (!paint.as_is) {
        const auto f = ramp_fraction(paint, value[0]);
        if (!f) return false;
        const auto& lut = ramp_lut(paint.ramp);
        const Rgb colour =
            lut[round_half_up<std::size_t>(*f * static_cast<double>(lut.size() - 1))];
        pixel[0] = colour.r;
        pixel[1] = colour.g;
        pixel[2] = colour.b;
    } else {
        for (int c = 0; c < 3; ++c) {
            const auto t = ramp_fraction(paint, value[layout.channels == 1 ? 0 : c]);
            pixel[c] = t ? static_cast<std::uint8_t>(std::lround(*t * 255.0)) : 0;
        }
    }
    pixel[3] = round_half_up<std::uint8_t>(std::clamp(coverage, 0.0, 1.0) * 255.0);
    return true;
}

}  // namespace wmsgate::wms

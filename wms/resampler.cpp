#include "wms/resampler.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wmsgate::wms {
namespace {

// The four source pixels around a position and their bilinear weights, in
// 1/65536 (8 bits per axis, enough for 8-bit output).
struct Taps {
    std::size_t index[4];  // pixel indices into the window
    std::uint32_t weight[4];
};

// False when the position lies outside the source raster.
inline bool taps_at(const SourceWindow& window, double u, double v, int source_width,
                    int source_height, Taps& taps) {
    // Written so that NaN (no position in the source CRS) fails too.
    if (!(u >= 0 && v >= 0 && u < source_width && v < source_height)) return false;
    // Clamping the position (not the indices) keeps the edge pixels' value
    // up to the raster's edge, and lets truncation stand in for floor.
    const double bu = std::clamp(u * window.ax + window.bx, 0.0, window.width - 1.0);
    const double bv = std::clamp(v * window.ay + window.by, 0.0, window.height - 1.0);
    const int ix = static_cast<int>(bu), iy = static_cast<int>(bv);
    const auto wx = static_cast<std::uint32_t>((bu - ix) * 256 + 0.5);
    const auto wy = static_cast<std::uint32_t>((bv - iy) * 256 + 0.5);
    const std::size_t i00 = std::size_t(iy) * window.width + ix;
    const std::size_t right = ix + 1 < window.width ? 1 : 0;
    const std::size_t down = iy + 1 < window.height ? window.width : 0;
    taps = {{i00, i00 + right, i00 + down, i00 + down + right},
            {(256 - wx) * (256 - wy), wx * (256 - wy), (256 - wx) * wy, wx * wy}};
    return true;
}

// RGBA bytes loaded as one word put R in the low byte and A in the high one.
static_assert(std::endian::native == std::endian::little);

// Channel c of four RGBA pixels, blended.
inline std::uint8_t blend(const std::uint32_t (&p)[4], const std::uint32_t (&w)[4], int c) {
    const int shift = 8 * c;
    const std::uint32_t sum = w[0] * ((p[0] >> shift) & 0xFF) + w[1] * ((p[1] >> shift) & 0xFF) +
                              w[2] * ((p[2] >> shift) & 0xFF) + w[3] * ((p[3] >> shift) & 0xFF);
    return static_cast<std::uint8_t>((sum + (1u << 15)) >> 16);
}

// Written out by hand: GCC at -O2 does not unroll the channel and tap loops.
inline void sample_rgba(const SourceWindow& window, const Taps& taps, std::uint8_t* out) {
    std::uint32_t p[4];
    for (int k = 0; k < 4; ++k) std::memcpy(&p[k], &window.rgba[taps.index[k] * 4], 4);
    if (((p[0] & p[1] & p[2] & p[3]) >> 24) == 255) {
        out[0] = blend(p, taps.weight, 0);
        out[1] = blend(p, taps.weight, 1);
        out[2] = blend(p, taps.weight, 2);
        out[3] = 255;
        return;
    }
    // Colours weighted by alpha too: a transparent neighbour's colour must
    // not bleed into the result.
    std::uint64_t alpha = 0;
    std::uint64_t w[4];
    for (int k = 0; k < 4; ++k) {
        w[k] = std::uint64_t{taps.weight[k]} * (p[k] >> 24);
        alpha += w[k];
    }
    if (alpha == 0) {
        std::fill_n(out, 4, 0);
        return;
    }
    for (int c = 0; c < 3; ++c) {
        const int shift = 8 * c;
        std::uint64_t sum = alpha / 2;
        for (int k = 0; k < 4; ++k) sum += w[k] * ((p[k] >> shift) & 0xFF);
        out[c] = static_cast<std::uint8_t>(sum / alpha);
    }
    out[3] = static_cast<std::uint8_t>((alpha + (1u << 15)) >> 16);
}

std::uint8_t stretch(double value, double min, double max) {
    const double t = (value - min) / (max > min ? max - min : 1.0);
    return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
}

void sample_values(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                   const Taps& taps, std::uint8_t* out) {
    double weight[4], total = 0;
    for (int k = 0; k < 4; ++k) {
        weight[k] = taps.weight[k] * (window.coverage[taps.index[k]] / (65536.0 * 255.0));
        total += weight[k];
    }
    // GDAL's threshold: practically no data underneath.
    if (total < 1e-5) {
        std::fill_n(out, 4, 0);
        return;
    }
    const std::size_t plane = std::size_t(window.width) * window.height;
    double value[3] = {};
    for (int c = 0; c < layout.channels; ++c) {
        const float* values = window.values.data() + c * plane;
        double sum = 0;
        for (int k = 0; k < 4; ++k)
            if (weight[k] > 0) sum += weight[k] * values[taps.index[k]];
        value[c] = sum / total;
    }
    if (!paint.as_is) {
        const double t =
            (value[0] - paint.min) / (paint.max > paint.min ? paint.max - paint.min : 1.0);
        const auto& lut = ramp_lut(paint.ramp);
        const Rgb colour = lut[static_cast<std::size_t>(
            std::lround(std::clamp(t, 0.0, 1.0) * static_cast<double>(lut.size() - 1)))];
        out[0] = colour.r;
        out[1] = colour.g;
        out[2] = colour.b;
    } else {
        for (int c = 0; c < 3; ++c)
            out[c] = stretch(value[layout.channels == 1 ? 0 : c], paint.min, paint.max);
    }
    out[3] = static_cast<std::uint8_t>(std::lround(std::min(total, 1.0) * 255.0));
}

}  // namespace

void resample(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
              const PixelMapping& mapping, int source_width, int source_height, unsigned y0,
              RgbaImage& strip) {
    std::vector<double> u(strip.width), v(strip.width);
    const bool empty = window.width == 0 || window.height == 0;
    for (unsigned row = 0; row < strip.height; ++row) {
        std::uint8_t* out = strip.pixels.data() + std::size_t(row) * strip.width * 4;
        if (empty) {
            std::fill_n(out, std::size_t(strip.width) * 4, 0);
            continue;
        }
        mapping.row(y0 + row, u.data(), v.data());
        // One loop per kind, so that the common one has no branch inside.
        if (layout.kind == SampleKind::rgba) {
            for (unsigned x = 0; x < strip.width; ++x, out += 4) {
                Taps taps;
                if (taps_at(window, u[x], v[x], source_width, source_height, taps))
                    sample_rgba(window, taps, out);
                else
                    std::fill_n(out, 4, 0);
            }
        } else {
            for (unsigned x = 0; x < strip.width; ++x, out += 4) {
                Taps taps;
                if (taps_at(window, u[x], v[x], source_width, source_height, taps))
                    sample_values(window, layout, paint, taps, out);
                else
                    std::fill_n(out, 4, 0);
            }
        }
    }
}

}  // namespace wmsgate::wms

#include "wms/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "wms/resample_paint.hpp"
#include "wms/resampler_kernels.hpp"

namespace wmsgate::wms {
namespace {

// The four source pixels around a position and their bilinear weights, in
// 1/65536 (8 bits per axis, enough for 8-bit output).
struct Taps {
    std::size_t i00, i10, i01, i11;  // pixel indices into a window plane
    std::uint32_t w00, w10, w01, w11;
};

// False when the position lies outside the source raster.
inline bool taps_at(const SourceWindow& window, double u, double v, const ResampleTarget& target,
                    Taps& taps) {
    // Written so that NaN (no position in the source CRS) fails too.
    if (!(u >= 0 && v >= 0 && u < target.source_width && v < target.source_height)) return false;
    // Clamping the position (not the indices) keeps the edge pixels' value
    // up to the raster's edge, and lets truncation stand in for floor.
    const double bu = std::clamp(u * window.ax + window.bx, 0.0, window.width - 1.0);
    const double bv = std::clamp(v * window.ay + window.by, 0.0, window.height - 1.0);
    const int ix = static_cast<int>(bu), iy = static_cast<int>(bv);
    const auto wx = round_half_up<std::uint32_t>((bu - ix) * 256);
    const auto wy = round_half_up<std::uint32_t>((bv - iy) * 256);
    const std::size_t right = ix + 1 < window.width ? 1 : 0;
    const std::size_t down = iy + 1 < window.height ? window.width : 0;
    taps.i00 = std::size_t(iy) * window.width + ix;
    taps.i10 = taps.i00 + right;
    taps.i01 = taps.i00 + down;
    taps.i11 = taps.i01 + right;
    taps.w00 = (256 - wx) * (256 - wy);
    taps.w10 = wx * (256 - wy);
    taps.w01 = (256 - wx) * wy;
    taps.w11 = wx * wy;
    return true;
}

inline std::uint8_t blend(const std::uint8_t* plane, const Taps& t) {
    const std::uint32_t sum = t.w00 * plane[t.i00] + t.w10 * plane[t.i10] + t.w01 * plane[t.i01] +
                              t.w11 * plane[t.i11] + (1u << 15);
    return static_cast<std::uint8_t>(sum >> 16);
}

// Weighted by alpha as well: a transparent neighbour's colour must not
// bleed into the result.
void sample_translucent(const std::uint8_t* planes, std::size_t plane, const Taps& t,
                        std::uint8_t* out) {
    const std::uint8_t* a = planes + 3 * plane;
    const std::uint64_t w[4] = {std::uint64_t{t.w00} * a[t.i00], std::uint64_t{t.w10} * a[t.i10],
                                std::uint64_t{t.w01} * a[t.i01], std::uint64_t{t.w11} * a[t.i11]};
    const std::uint64_t alpha = w[0] + w[1] + w[2] + w[3];
    if (alpha == 0) {
        out[3] = 0;
        return;
    }
    for (std::size_t c = 0; c < 3; ++c) {
        const std::uint8_t* p = planes + c * plane;
        const std::uint64_t sum =
            w[0] * p[t.i00] + w[1] * p[t.i10] + w[2] * p[t.i01] + w[3] * p[t.i11] + alpha / 2;
        out[c] = static_cast<std::uint8_t>(sum / alpha);
    }
    out[3] = static_cast<std::uint8_t>((alpha + (1u << 15)) >> 16);
}

inline void draw_rgba(const SourceWindow& window, const Taps& t, std::uint8_t* map_pixel) {
    const std::uint8_t* planes = window.rgba.data();
    const std::size_t plane = std::size_t(window.width) * window.height;
    const std::uint8_t* alpha = planes + 3 * plane;
    if (window.opaque || (alpha[t.i00] & alpha[t.i10] & alpha[t.i01] & alpha[t.i11]) == 255) {
        map_pixel[0] = blend(planes, t);
        map_pixel[1] = blend(planes + plane, t);
        map_pixel[2] = blend(planes + 2 * plane, t);
        map_pixel[3] = 255;
        return;
    }
    std::uint8_t pixel[4];
    sample_translucent(planes, plane, t, pixel);
    blend_over(map_pixel, pixel);
}

// A pixel the mask leaves out is skipped as one outside the source is.

void rgba_row(const SourceWindow& window, const double* u, const double* v,
              const ResampleTarget& target, const std::uint8_t* mask_row, std::uint8_t* map_row) {
    for (unsigned x = 0; x < target.map.width; ++x, map_row += 4) {
        if (masked(mask_row, x)) continue;
        Taps t;
        if (taps_at(window, u[x], v[x], target, t)) draw_rgba(window, t, map_row);
    }
}

// One axis of a separable mapping: per map column (or row), whether it
// falls inside the raster, its window pixel, the offset to the next one
// and that next one's weight (of 256), as taps_at computes them.
struct AxisTaps {
    bool inside = false;
    std::size_t index = 0;
    std::size_t next = 0;
    std::uint32_t weight = 0;
};

AxisTaps axis_taps(double position, double a, double b, int window_size, int source_size,
                   std::size_t stride) {
    AxisTaps out;
    out.inside = position >= 0 && position < source_size;
    const double p = std::clamp(position * a + b, 0.0, window_size - 1.0);
    const int i = static_cast<int>(p);
    out.index = std::size_t(i) * stride;
    out.next = i + 1 < window_size ? stride : 0;
    out.weight = round_half_up<std::uint32_t>((p - i) * 256);
    return out;
}

// Same-CRS maps of north-up rasters: the taps of every column are worked
// out once, not per pixel.
// Opaque windows, in two passes per map row: the two source rows blended
// vertically into one row of 16-bit sums (a loop the compiler vectorises),
// then each map pixel from two neighbours of it. The arithmetic is that of
// the four-tap kernel, so the pixels are the same, at a third of the cost.
void opaque_separable(const SourceWindow& window, const std::vector<AxisTaps>& columns,
                      const PixelMapping& mapping, const ResampleTarget& target) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    const std::size_t width = std::size_t(window.width);
    std::vector<std::uint16_t> blended(3 * width);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        const AxisTaps row = axis_taps(mapping.line(y), window.ay, window.by, window.height,
                                       target.source_height, width);
        if (!row.inside) continue;
        const auto w1 = static_cast<std::uint16_t>(row.weight);
        const auto w0 = static_cast<std::uint16_t>(256 - row.weight);
        for (std::size_t c = 0; c < 3; ++c) {
            const std::uint8_t* upper = window.rgba.data() + c * plane + row.index;
            const std::uint8_t* lower = upper + row.next;
            std::uint16_t* out = blended.data() + c * width;
            for (std::size_t i = 0; i < width; ++i)
                out[i] = static_cast<std::uint16_t>(upper[i] * w0 + lower[i] * w1);
        }
        std::uint8_t* map_pixel = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        const std::uint8_t* mask_row = target.mask_row(y);
        for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
            const AxisTaps& column = columns[x];
            if (!column.inside || masked(mask_row, x)) continue;
            const std::uint32_t v1 = column.weight, v0 = 256 - column.weight;
            for (std::size_t c = 0; c < 3; ++c) {
                const std::uint16_t* sums = blended.data() + c * width + column.index;
                map_pixel[c] = static_cast<std::uint8_t>(
                    (sums[0] * v0 + sums[column.next] * v1 + 32768) >> 16);
            }
            map_pixel[3] = 255;
        }
    }
}

void rgba_separable(const SourceWindow& window, const PixelMapping& mapping,
                    const ResampleTarget& target) {
    std::vector<AxisTaps> columns(target.map.width);
    for (unsigned x = 0; x < target.map.width; ++x)
        columns[x] = axis_taps(mapping.column(x), window.ax, window.bx, window.width,
                               target.source_width, 1);
    if (window.opaque) return opaque_separable(window, columns, mapping, target);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        const AxisTaps row = axis_taps(mapping.line(y), window.ay, window.by, window.height,
                                       target.source_height, std::size_t(window.width));
        if (!row.inside) continue;
        std::uint8_t* map_pixel = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        const std::uint8_t* mask_row = target.mask_row(y);
        for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
            const AxisTaps& column = columns[x];
            if (!column.inside || masked(mask_row, x)) continue;
            Taps t;
            t.i00 = row.index + column.index;
            t.i10 = t.i00 + column.next;
            t.i01 = t.i00 + row.next;
            t.i11 = t.i01 + column.next;
            t.w00 = (256 - column.weight) * (256 - row.weight);
            t.w10 = column.weight * (256 - row.weight);
            t.w01 = (256 - column.weight) * row.weight;
            t.w11 = column.weight * row.weight;
            draw_rgba(window, t, map_pixel);
        }
    }
}

// Band values: bilinear over the pixels with data, then painted.
void values_row(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                const double* u, const double* v, const ResampleTarget& target,
                const std::uint8_t* mask_row, std::uint8_t* map_row) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    for (unsigned x = 0; x < target.map.width; ++x, map_row += 4) {
        if (masked(mask_row, x)) continue;
        Taps t;
        if (!taps_at(window, u[x], v[x], target, t)) continue;
        const std::size_t index[4] = {t.i00, t.i10, t.i01, t.i11};
        const std::uint32_t taps[4] = {t.w00, t.w10, t.w01, t.w11};
        double weight[4], total = 0;
        for (int k = 0; k < 4; ++k) {
            weight[k] = taps[k] * (window.coverage[index[k]] / (65536.0 * 255.0));
            total += weight[k];
        }
        // GDAL's threshold: practically no data underneath.
        if (total < 1e-5) continue;
        double value[3] = {};
        for (int c = 0; c < layout.channels; ++c) {
            const float* values = window.values.data() + c * plane;
            double sum = 0;
            for (int k = 0; k < 4; ++k)
                if (weight[k] > 0) sum += weight[k] * values[index[k]];
            value[c] = sum / total;
        }
        std::uint8_t pixel[4];
        if (!paint_values(paint, layout, value, total, pixel)) continue;
        blend_over(map_row, pixel);
    }
}

}  // namespace

void resample(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
              const PixelMapping& mapping, const ResampleTarget& target, Resampling kernel) {
    if (window.width == 0 || window.height == 0) return;
    if (kernel == Resampling::nearest)
        return resample_nearest(window, layout, paint, mapping, target);
    if (kernel == Resampling::cubic) return resample_cubic(window, layout, paint, mapping, target);
    if (layout.kind == SampleKind::rgba && mapping.separable())
        return rgba_separable(window, mapping, target);
    std::vector<double> u(target.map.width), v(target.map.width);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        std::uint8_t* map_row = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        mapping.row(y, u.data(), v.data());
        if (layout.kind == SampleKind::rgba)
            rgba_row(window, u.data(), v.data(), target, target.mask_row(y), map_row);
        else
            values_row(window, layout, paint, u.data(), v.data(), target, target.mask_row(y),
                       map_row);
    }
}

}  // namespace wmsgate::wms

#include "wms/resampler_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "wms/resample_paint.hpp"

namespace wmsgate::wms {
namespace {

// Whether a full-resolution position lies on the raster. Written so that
// NaN (no position in the source CRS) fails too.
inline bool on_raster(double position, int source_size) {
    return position >= 0 && position < source_size;
}

// ---- nearest neighbour ----

// The window pixel whose area holds buffer position p (centres at
// integers), clamped to the window: GDAL's floor of the pixel/line position.
inline std::size_t nearest_index(double position, double a, double b, int window_size) {
    const double p = std::floor(position * a + b + 0.5);
    return static_cast<std::size_t>(std::clamp(p, 0.0, window_size - 1.0));
}

inline void put_rgba(const SourceWindow& window, std::size_t plane, std::size_t i,
                     std::uint8_t* map_pixel) {
    const std::uint8_t* planes = window.rgba.data();
    const std::uint8_t alpha = window.opaque ? 255 : planes[3 * plane + i];
    if (alpha == 0) return;
    const std::uint8_t pixel[4] = {planes[i], planes[plane + i], planes[2 * plane + i], alpha};
    if (alpha == 255) {
        std::copy(pixel, pixel + 4, map_pixel);
        return;
    }
    blend_over(map_pixel, pixel);
}

inline void put_values(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                       std::size_t plane, std::size_t i, std::uint8_t* map_pixel) {
    const double coverage = window.coverage[i] / 255.0;
    if (coverage <= 0) return;
    double value[3] = {};
    for (int c = 0; c < layout.channels; ++c) value[c] = window.values[c * plane + i];
    std::uint8_t pixel[4];
    if (paint_values(paint, layout, value, coverage, pixel)) blend_over(map_pixel, pixel);
}

// ---- cubic convolution ----

// Keys' cubic convolution kernel with a = -0.5 (GDAL's "cubic") for taps at
// -1, 0, 1, 2 around floor(p), t = p - floor(p). The weights sum to 1 and
// two of them go negative, which is what sharpens.
struct CubicAxis {
    bool inside = false;
    std::size_t index[4] = {};  // already multiplied by the axis's stride
    float weight[4] = {};
};

CubicAxis cubic_axis(double position, double a, double b, int window_size, int source_size,
                     std::size_t stride) {
    CubicAxis out;
    out.inside = on_raster(position, source_size);
    if (!out.inside) return out;
    // As for bilinear: past the outer pixel centres the edge value holds.
    const double p = std::clamp(position * a + b, 0.0, window_size - 1.0);
    const double base = std::floor(p);
    const double t = p - base, t2 = t * t, t3 = t2 * t;
    out.weight[0] = static_cast<float>(-0.5 * t3 + t2 - 0.5 * t);
    out.weight[1] = static_cast<float>(1.5 * t3 - 2.5 * t2 + 1);
    out.weight[2] = static_cast<float>(-1.5 * t3 + 2 * t2 + 0.5 * t);
    out.weight[3] = static_cast<float>(0.5 * t3 - 0.5 * t2);
    for (int k = 0; k < 4; ++k) {
        const double i = std::clamp(base - 1 + k, 0.0, window_size - 1.0);
        out.index[k] = static_cast<std::size_t>(i) * stride;
    }
    return out;
}

inline std::uint8_t to_byte(float v) {
    return round_half_up<std::uint8_t>(std::clamp(v, 0.0f, 255.0f));
}

// One map pixel from 16 taps. Weighted by alpha too, so that a transparent
// neighbour's colour does not bleed in (its negative lobe no more than its
// positive one).
void cubic_rgba(const SourceWindow& window, const CubicAxis& column, const CubicAxis& row,
                std::uint8_t* map_pixel) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    const std::uint8_t* planes = window.rgba.data();
    float sum[4] = {};
    for (int j = 0; j < 4; ++j) {
        for (int i = 0; i < 4; ++i) {
            const std::size_t at = row.index[j] + column.index[i];
            const float w = row.weight[j] * column.weight[i];
            // Bytes, exact as float.
            const float a = window.opaque ? 255.0f : static_cast<float>(planes[3 * plane + at]);
            const float wa = w * a;
            sum[0] += wa * static_cast<float>(planes[at]);
            sum[1] += wa * static_cast<float>(planes[plane + at]);
            sum[2] += wa * static_cast<float>(planes[2 * plane + at]);
            sum[3] += wa;
        }
    }
    // Less than 1/512 of a pixel's worth of data: nothing to draw.
    if (sum[3] < 0.5f) return;
    const std::uint8_t pixel[4] = {to_byte(sum[0] / sum[3]), to_byte(sum[1] / sum[3]),
                                   to_byte(sum[2] / sum[3]), to_byte(sum[3])};
    if (pixel[3] == 255) {
        std::copy(pixel, pixel + 4, map_pixel);
        return;
    }
    blend_over(map_pixel, pixel);
}

void cubic_values(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                  const CubicAxis& column, const CubicAxis& row, std::uint8_t* map_pixel) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    double value[3] = {}, total = 0;
    for (int j = 0; j < 4; ++j) {
        for (int i = 0; i < 4; ++i) {
            const std::size_t at = row.index[j] + column.index[i];
            const double w =
                double(row.weight[j]) * column.weight[i] * (window.coverage[at] / 255.0);
            if (w == 0) continue;
            total += w;
            for (int c = 0; c < layout.channels; ++c) value[c] += w * window.values[c * plane + at];
        }
    }
    // GDAL's threshold: practically no data underneath.
    if (total < 1e-5) return;
    for (int c = 0; c < layout.channels; ++c) value[c] /= total;
    std::uint8_t pixel[4];
    if (paint_values(paint, layout, value, total, pixel)) blend_over(map_pixel, pixel);
}

// Same-CRS maps of opaque windows: the four source rows under a map row are
// combined once per row (a loop the compiler vectorises), then each map
// pixel takes four neighbours of that row.
void cubic_opaque_separable(const SourceWindow& window, const std::vector<CubicAxis>& columns,
                            const PixelMapping& mapping, const ResampleTarget& target) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    const std::size_t width = std::size_t(window.width);
    std::vector<float> combined(3 * width);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        const CubicAxis row = cubic_axis(mapping.line(y), window.ay, window.by, window.height,
                                         target.source_height, width);
        if (!row.inside) continue;
        for (std::size_t c = 0; c < 3; ++c) {
            const std::uint8_t* source = window.rgba.data() + c * plane;
            const std::uint8_t* r0 = source + row.index[0];
            const std::uint8_t* r1 = source + row.index[1];
            const std::uint8_t* r2 = source + row.index[2];
            const std::uint8_t* r3 = source + row.index[3];
            float* out = combined.data() + c * width;
            for (std::size_t i = 0; i < width; ++i)
                out[i] = row.weight[0] * static_cast<float>(r0[i]) +
                         row.weight[1] * static_cast<float>(r1[i]) +
                         row.weight[2] * static_cast<float>(r2[i]) +
                         row.weight[3] * static_cast<float>(r3[i]);
        }
        const std::uint8_t* mask_row = target.mask_row(y);
        std::uint8_t* map_pixel = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
            const CubicAxis& column = columns[x];
            if (!column.inside || masked(mask_row, x)) continue;
            for (std::size_t c = 0; c < 3; ++c) {
                const float* sums = combined.data() + c * width;
                map_pixel[c] = to_byte(column.weight[0] * sums[column.index[0]] +
                                       column.weight[1] * sums[column.index[1]] +
                                       column.weight[2] * sums[column.index[2]] +
                                       column.weight[3] * sums[column.index[3]]);
            }
            map_pixel[3] = 255;
        }
    }
}

}  // namespace

void resample_nearest(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                      const PixelMapping& mapping, const ResampleTarget& target) {
    const std::size_t plane = std::size_t(window.width) * window.height;
    const std::size_t width = std::size_t(window.width);
    const auto draw = [&](std::size_t i, std::uint8_t* map_pixel) {
        if (layout.kind == SampleKind::rgba)
            put_rgba(window, plane, i, map_pixel);
        else
            put_values(window, layout, paint, plane, i, map_pixel);
    };
    if (mapping.separable()) {
        // Each column's (and row's) pixel once, not per map pixel.
        std::vector<std::size_t> columns(target.map.width);
        std::vector<std::uint8_t> inside(target.map.width);
        for (unsigned x = 0; x < target.map.width; ++x) {
            const double u = mapping.column(x);
            inside[x] = on_raster(u, target.source_width) ? 1 : 0;
            columns[x] = nearest_index(u, window.ax, window.bx, window.width);
        }
        // Opaque RGB (orthophotos, the common case) copied straight from
        // the three planes: no alpha test or blend per pixel.
        const bool opaque_rgb = layout.kind == SampleKind::rgba && window.opaque;
        for (unsigned y = target.y0; y < target.y1; ++y) {
            const double v = mapping.line(y);
            if (!on_raster(v, target.source_height)) continue;
            const std::size_t row = nearest_index(v, window.ay, window.by, window.height) * width;
            const std::uint8_t* mask_row = target.mask_row(y);
            std::uint8_t* map_pixel =
                target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
            if (opaque_rgb) {
                const std::uint8_t* red = window.rgba.data() + row;
                const std::uint8_t* green = red + plane;
                const std::uint8_t* blue = green + plane;
                for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
                    if (inside[x] == 0 || masked(mask_row, x)) continue;
                    const std::size_t i = columns[x];
                    map_pixel[0] = red[i];
                    map_pixel[1] = green[i];
                    map_pixel[2] = blue[i];
                    map_pixel[3] = 255;
                }
                continue;
            }
            for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4)
                if (inside[x] != 0 && !masked(mask_row, x)) draw(row + columns[x], map_pixel);
        }
        return;
    }
    std::vector<double> u(target.map.width), v(target.map.width);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        std::uint8_t* map_pixel = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        mapping.row(y, u.data(), v.data());
        const std::uint8_t* mask_row = target.mask_row(y);
        for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
            if (masked(mask_row, x) || !on_raster(u[x], target.source_width) ||
                !on_raster(v[x], target.source_height))
                continue;
            draw(nearest_index(v[x], window.ay, window.by, window.height) * width +
                     nearest_index(u[x], window.ax, window.bx, window.width),
                 map_pixel);
        }
    }
}

void resample_cubic(const SourceWindow& window, const SourceLayout& layout, const Paint& paint,
                    const PixelMapping& mapping, const ResampleTarget& target) {
    const std::size_t width = std::size_t(window.width);
    const auto draw = [&](const CubicAxis& column, const CubicAxis& row, std::uint8_t* map_pixel) {
        if (layout.kind == SampleKind::rgba)
            cubic_rgba(window, column, row, map_pixel);
        else
            cubic_values(window, layout, paint, column, row, map_pixel);
    };
    if (mapping.separable()) {
        std::vector<CubicAxis> columns(target.map.width);
        for (unsigned x = 0; x < target.map.width; ++x)
            columns[x] = cubic_axis(mapping.column(x), window.ax, window.bx, window.width,
                                    target.source_width, 1);
        if (layout.kind == SampleKind::rgba && window.opaque)
            return cubic_opaque_separable(window, columns, mapping, target);
        for (unsigned y = target.y0; y < target.y1; ++y) {
            const CubicAxis row = cubic_axis(mapping.line(y), window.ay, window.by, window.height,
                                             target.source_height, width);
            if (!row.inside) continue;
            const std::uint8_t* mask_row = target.mask_row(y);
            std::uint8_t* map_pixel =
                target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
            for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4)
                if (columns[x].inside && !masked(mask_row, x)) draw(columns[x], row, map_pixel);
        }
        return;
    }
    std::vector<double> u(target.map.width), v(target.map.width);
    for (unsigned y = target.y0; y < target.y1; ++y) {
        std::uint8_t* map_pixel = target.map.pixels.data() + std::size_t(y) * target.map.width * 4;
        mapping.row(y, u.data(), v.data());
        const std::uint8_t* mask_row = target.mask_row(y);
        for (unsigned x = 0; x < target.map.width; ++x, map_pixel += 4) {
            if (masked(mask_row, x)) continue;
            const CubicAxis column =
                cubic_axis(u[x], window.ax, window.bx, window.width, target.source_width, 1);
            if (!column.inside) continue;
            const CubicAxis row =
                cubic_axis(v[x], window.ay, window.by, window.height, target.source_height, width);
            if (row.inside) draw(column, row, map_pixel);
        }
    }
}

}  // namespace wmsgate::wms

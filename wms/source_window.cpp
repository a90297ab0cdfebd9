#include "wms/source_window.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace wmsgate::wms {
namespace {

// Overview level: its bands' source and its size in full-resolution pixels
// per level pixel.
struct Level {
    int index = -1;  // -1: full resolution
    double fx = 1;
    double fy = 1;
    int width = 0;
    int height = 0;
};

GDALRasterBand* level_band(GDALDataset& dataset, const Level& level, int band) {
    GDALRasterBand* full = dataset.GetRasterBand(band);
    if (full == nullptr || level.index < 0) return full;
    return full->GetOverview(level.index);
}

Level choose_level(GDALDataset& dataset, double scale) {
    Level best{-1, 1, 1, dataset.GetRasterXSize(), dataset.GetRasterYSize()};
    GDALRasterBand* band = dataset.GetRasterBand(1);
    for (int i = 0; i < band->GetOverviewCount(); ++i) {
        GDALRasterBand* overview = band->GetOverview(i);
        if (overview == nullptr) continue;
        const double fx = static_cast<double>(best.width) / overview->GetXSize();
        const double fy = static_cast<double>(dataset.GetRasterYSize()) / overview->GetYSize();
        // A hair of tolerance: a map at exactly the overview's resolution
        // should read the overview despite rounding in its size.
        if (std::max(fx, fy) <= scale * 1.001 && std::min(fx, fy) > std::min(best.fx, best.fy))
            best = {i, fx, fy, overview->GetXSize(), overview->GetYSize()};
    }
    return best;
}

// The window of `level` that bilinear sampling of `area` touches.
struct Window {
    int x0 = 0, y0 = 0, width = 0, height = 0;
};

Window window_for(const PixelBounds& area, const Level& level, int extra) {
    const auto clampi = [](double v, int hi) {
        return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(hi)));
    };
    // Pixel centres sit at +0.5; bilinear sampling reaches one pixel on,
    // cubic `extra` = 1 more on each side.
    const int x0 = clampi(std::floor(area.minx / level.fx - 0.5) - extra, level.width);
    const int y0 = clampi(std::floor(area.miny / level.fy - 0.5) - extra, level.height);
    const int x1 = clampi(std::floor(area.maxx / level.fx - 0.5) + 2 + extra, level.width);
    const int y1 = clampi(std::floor(area.maxy / level.fy - 0.5) + 2 + extra, level.height);
    return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

GDALRasterIOExtraArg resampling(GDALRIOResampleAlg algorithm) {
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = algorithm;
    return extra;
}

// GDAL's mask for band 1 at this level: an alpha band or a per-dataset mask.
GDALRasterBand* mask_band(GDALDataset& dataset, const Level& level) {
    GDALRasterBand* band = level_band(dataset, level, 1);
    return band == nullptr ? nullptr : band->GetMaskBand();
}

bool read_band(GDALRasterBand* band, const Window& w, int buffer_width, int buffer_height,
               GDALDataType type, void* out, int pixel_bytes, GDALRIOResampleAlg algorithm) {
    if (band == nullptr) return false;
    GDALRasterIOExtraArg extra = resampling(algorithm);
    return band->RasterIO(GF_Read, w.x0, w.y0, w.width, w.height, out, buffer_width, buffer_height,
                          type, pixel_bytes, GSpacing{pixel_bytes} * buffer_width,
                          &extra) == CE_None;
}

bool is_nodata(const double* values, const std::vector<double>& nodata, int channels) {
    bool any = false;
    for (int c = 0; c < channels; ++c) {
        if (std::isnan(nodata[c])) continue;
        if (values[c] != nodata[c]) return false;
        any = true;
    }
    return any;
}

// Colour table entries as RGBA; entries the table lacks are transparent.
std::vector<std::array<std::uint8_t, 4>> palette_rgba(const GDALColorTable& table, double nodata) {
    std::vector<std::array<std::uint8_t, 4>> out(65536, {0, 0, 0, 0});
    const int count = std::min(table.GetColorEntryCount(), 65536);
    for (int i = 0; i < count; ++i) {
        GDALColorEntry entry{};
        if (!table.GetColorEntryAsRGB(i, &entry)) continue;
        const auto byte = [](short v) {
            return static_cast<std::uint8_t>(std::clamp<int>(v, 0, 255));
        };
        out[static_cast<std::size_t>(i)] = {byte(entry.c1), byte(entry.c2), byte(entry.c3),
                                            byte(entry.c4)};
    }
    if (nodata >= 0 && nodata < 65536) out[static_cast<std::size_t>(nodata)] = {0, 0, 0, 0};
    return out;
}

bool read_palette(GDALDataset& dataset, const SourceLayout& layout, const Level& level,
                  const Window& w, SourceWindow& out, GDALRIOResampleAlg algorithm) {
    const std::size_t count = std::size_t(out.width) * out.height;
    std::vector<std::uint16_t> indices(count);
    // Indices are names, not quantities: never averaged.
    if (!read_band(level_band(dataset, level, 1), w, out.width, out.height, GDT_UInt16,
                   indices.data(), 2, GRIORA_NearestNeighbour))
        return false;
    const auto colours = palette_rgba(*layout.palette, layout.nodata[0]);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < 4; ++c) out.rgba[c * count + i] = colours[indices[i]][c];
    if (layout.validity != SourceLayout::Validity::mask) return true;
    std::vector<std::uint8_t> mask(count);
    if (!read_band(mask_band(dataset, level), w, out.width, out.height, GDT_Byte, mask.data(), 1,
                   algorithm))
        return false;
    std::uint8_t* alpha = out.rgba.data() + 3 * count;
    for (std::size_t i = 0; i < count; ++i)
        alpha[i] = static_cast<std::uint8_t>((alpha[i] * mask[i] + 127) / 255);
    return true;
}

bool read_rgba(GDALDataset& dataset, const SourceLayout& layout, const Level& level,
               const Window& w, SourceWindow& out, GDALRIOResampleAlg algorithm) {
    const std::size_t count = std::size_t(out.width) * out.height;
    out.rgba.resize(count * 4);
    if (layout.palette != nullptr) return read_palette(dataset, layout, level, w, out, algorithm);
    for (int c = 0; c < 3; ++c)
        if (!read_band(level_band(dataset, level, layout.colour_bands[c]), w, out.width, out.height,
                       GDT_Byte, out.rgba.data() + c * count, 1, algorithm))
            return false;
    std::uint8_t* alpha = out.rgba.data() + 3 * count;
    switch (layout.validity) {
        case SourceLayout::Validity::all:
            out.opaque = true;
            return true;
        case SourceLayout::Validity::mask:
            return read_band(mask_band(dataset, level), w, out.width, out.height, GDT_Byte, alpha,
                             1, algorithm);
        case SourceLayout::Validity::nodata:
            for (std::size_t i = 0; i < count; ++i) {
                const double v[3] = {double(out.rgba[i]), double(out.rgba[count + i]),
                                     double(out.rgba[2 * count + i])};
                alpha[i] = is_nodata(v, layout.nodata, 3) ? 0 : 255;
            }
            return true;
    }
    return false;
}

bool read_values(GDALDataset& dataset, const SourceLayout& layout, const Level& level,
                 const Window& w, SourceWindow& out, GDALRIOResampleAlg algorithm) {
    const std::size_t count = std::size_t(out.width) * out.height;
    out.values.resize(count * layout.channels);
    out.coverage.resize(count);
    std::fill_n(out.coverage.data(), count, 255);
    for (int c = 0; c < layout.channels; ++c)
        if (!read_band(level_band(dataset, level, layout.colour_bands[c]), w, out.width, out.height,
                       GDT_Float32, out.values.data() + c * count, 4, algorithm))
            return false;
    if (layout.validity == SourceLayout::Validity::mask)
        if (!read_band(mask_band(dataset, level), w, out.width, out.height, GDT_Byte,
                       out.coverage.data(), 1, algorithm))
            return false;
    const bool nodata = layout.validity == SourceLayout::Validity::nodata;
    for (std::size_t i = 0; i < count; ++i) {
        double v[3] = {};
        bool nan = false;
        for (int c = 0; c < layout.channels; ++c) {
            v[c] = out.values[c * count + i];
            nan = nan || std::isnan(v[c]);
        }
        // NaN is never a value to draw, whatever the nodata setting.
        if (nan || (nodata && is_nodata(v, layout.nodata, layout.channels))) out.coverage[i] = 0;
    }
    return true;
}

}  // namespace

SourceLayout source_layout(GDALDataset& dataset, const Paint& paint) {
    SourceLayout layout;
    const int bands = dataset.GetRasterCount();
    GDALRasterBand* first = dataset.GetRasterBand(1);
    const bool colour = bands >= 3;
    if (paint.as_is && colour) {
        layout.colour_bands[1] = 2;
        layout.colour_bands[2] = 3;
    }
    if (paint.as_is && bands < 3 && first->GetColorInterpretation() == GCI_PaletteIndex &&
        first->GetColorTable() != nullptr)
        layout.palette = first->GetColorTable();
    layout.kind = paint.as_is && (paint.byte_data || layout.palette != nullptr)
                      ? SampleKind::rgba
                      : SampleKind::values;
    layout.channels = layout.kind == SampleKind::values && !(paint.as_is && colour) ? 1 : 3;

    layout.nodata.assign(3, std::numeric_limits<double>::quiet_NaN());
    bool any_nodata = false;
    for (int c = 0; c < 3; ++c) {
        int has = FALSE;
        const double value = dataset.GetRasterBand(layout.colour_bands[c])->GetNoDataValue(&has);
        // Compared with values read as Float32 (or bytes, exact in float).
        if (has) layout.nodata[c] = static_cast<float>(value);
        any_nodata = any_nodata || has;
    }
    const int flags = first->GetMaskFlags();
    if (flags & GMF_ALL_VALID)
        layout.validity = SourceLayout::Validity::all;
    else if ((flags & GMF_NODATA) && any_nodata)
        layout.validity = SourceLayout::Validity::nodata;
    else
        layout.validity = SourceLayout::Validity::mask;
    // The palette path handles band 1's nodata itself (a transparent entry).
    if (layout.palette != nullptr && layout.validity == SourceLayout::Validity::nodata)
        layout.validity = SourceLayout::Validity::all;
    return layout;
}

tl::expected<void, Errc> read_window(GDALDataset& dataset, const SourceLayout& layout,
                                     const PixelBounds& area, double scale, Resampling kernel,
                                     SourceWindow& out) {
    out.width = out.height = 0;
    out.opaque = false;
    if (area.empty()) return {};
    const Level level = choose_level(dataset, scale);
    const Window w = window_for(area, level, kernel == Resampling::cubic ? 1 : 0);
    if (w.width == 0 || w.height == 0) return {};
    // More than two level pixels per map pixel: average while reading, or
    // bilinear sampling would skip pixels (aliasing).
    const double reach = scale / std::min(level.fx, level.fy);
    const double shrink = reach > 2 ? reach : 1;
    out.width = std::max(1, static_cast<int>(std::ceil(w.width / shrink)));
    out.height = std::max(1, static_cast<int>(std::ceil(w.height / shrink)));
    const double kx = static_cast<double>(out.width) / w.width;
    const double ky = static_cast<double>(out.height) / w.height;
    out.ax = kx / level.fx;
    out.bx = -w.x0 * kx - 0.5;
    out.ay = ky / level.fy;
    out.by = -w.y0 * ky - 0.5;
    const GDALRIOResampleAlg algorithm =
        shrink > 1 && kernel != Resampling::nearest ? GRIORA_Average : GRIORA_NearestNeighbour;
    const bool ok = layout.kind == SampleKind::rgba
                        ? read_rgba(dataset, layout, level, w, out, algorithm)
                        : read_values(dataset, layout, level, w, out, algorithm);
    if (!ok) {
        out.width = out.height = 0;
        return tl::unexpected(Errc::dataset_unreadable);
    }
    return {};
}

}  // namespace wmsgate::wms

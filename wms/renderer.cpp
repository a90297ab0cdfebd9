#include "wms/renderer.hpp"

#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "wms/dataset_cache.hpp"
#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/xml.hpp"

namespace wmsgate::wms {
namespace {

struct WarpOptionsDeleter {
    void operator()(GDALWarpAppOptions* options) const { GDALWarpAppOptionsFree(options); }
};
using WarpOptions = std::unique_ptr<GDALWarpAppOptions, WarpOptionsDeleter>;

// Raw bytes are copied straight; anything drawn through a style or scaled is
// warped as Float32 so that no precision is lost before the mapping.
bool needs_float(const Paint& paint) {
    return !paint.as_is || !paint.byte_data;
}

WarpOptions warp_options(const MapJob& job, const Paint& paint) {
    // GDALWarp chooses a suitable overview level by itself (-ovr AUTO is the
    // default), so zoomed-out maps read overviews, not full resolution.
    std::vector<std::string> args = {"-of",
                                     "MEM",
                                     "-t_srs",
                                     "EPSG:" + std::to_string(job.epsg),
                                     "-te",
                                     format_number(job.bbox.minx),
                                     format_number(job.bbox.miny),
                                     format_number(job.bbox.maxx),
                                     format_number(job.bbox.maxy),
                                     "-ts",
                                     std::to_string(job.width),
                                     std::to_string(job.height),
                                     "-r",
                                     "bilinear",
                                     "-dstalpha"};
    if (needs_float(paint)) args.insert(args.end(), {"-ot", "Float32"});
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    return WarpOptions(GDALWarpAppOptionsNew(argv.data(), nullptr));
}

std::uint8_t scale(float value, double min, double max) {
    const double t = (value - min) / (max > min ? max - min : 1.0);
    return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
}

// Reads the colour bands (1 or 3) and the alpha band that -dstalpha added.
bool read_band(GDALDataset& warped, int band, GDALDataType type, void* out, int pixel_space,
               const RgbaImage& image) {
    const int w = static_cast<int>(image.width);
    const int h = static_cast<int>(image.height);
    const int size = GDALGetDataTypeSizeBytes(type);
    return warped.GetRasterBand(band)->RasterIO(
               GF_Read, 0, 0, w, h, out, w, h, type, pixel_space * size,
               GSpacing{pixel_space} * size * w, nullptr) == CE_None;
}

bool read_bytes(GDALDataset& warped, RgbaImage& image) {
    const int bands = warped.GetRasterCount();
    const int colour_bands = bands - 1;
    const int sources[4] = {1, colour_bands >= 3 ? 2 : 1, colour_bands >= 3 ? 3 : 1, bands};
    for (int channel = 0; channel < 4; ++channel)
        if (!read_band(warped, sources[channel], GDT_Byte, image.pixels.data() + channel, 4, image))
            return false;
    return true;
}

bool read_painted(GDALDataset& warped, const Paint& paint, RgbaImage& image) {
    const int bands = warped.GetRasterCount();
    const std::size_t count = std::size_t{image.width} * image.height;
    if (!read_band(warped, bands, GDT_Byte, image.pixels.data() + 3, 4, image)) return false;
    const int colour_bands = paint.as_is && bands - 1 >= 3 ? 3 : 1;
    std::vector<float> values(count);
    for (int c = 0; c < colour_bands; ++c) {
        if (!read_band(warped, c + 1, GDT_Float32, values.data(), 1, image)) return false;
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint8_t level = scale(values[i], paint.min, paint.max);
            if (paint.as_is) {
                // A scaled RGB band, or grey filling all three channels.
                for (int k = c; k < (colour_bands == 1 ? 3 : c + 1); ++k)
                    image.pixels[i * 4 + k] = level;
            } else {
                const Rgb colour = ramp_colours(paint.ramp)[level];
                image.pixels[i * 4] = colour.r;
                image.pixels[i * 4 + 1] = colour.g;
                image.pixels[i * 4 + 2] = colour.b;
            }
        }
    }
    return true;
}

tl::expected<RgbaImage, std::error_code> warp_layer(const LayerJob& layer, const MapJob& job) {
    RgbaImage image = RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0);
    GDALDataset* dataset = thread_dataset(layer.source);
    if (dataset == nullptr) return tl::unexpected(make_error_code(Errc::dataset_unreadable));

    const auto options = warp_options(job, layer.paint);
    if (!options) return tl::unexpected(make_error_code(Errc::render_failed));
    GDALDatasetH input = GDALDataset::ToHandle(dataset);
    int usage_error = FALSE;
    GDALDatasetUniquePtr warped(
        GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &input, options.get(), &usage_error)));
    // A box that PROJ cannot map onto the data (beyond the CRS's range) is
    // simply empty: WMS clients pan anywhere.
    if (!warped) return image;
    const bool ok = needs_float(layer.paint) ? read_painted(*warped, layer.paint, image)
                                             : read_bytes(*warped, image);
    if (!ok) {
        forget_thread_dataset(layer.source);
        return tl::unexpected(make_error_code(Errc::render_failed));
    }
    return image;
}

}  // namespace

tl::expected<RgbaImage, RenderError> render_map(const MapJob& job) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    // Opaque maps start from the background colour, so layers composite onto it.
    RgbaImage map = job.transparent ? RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0)
                                    : RgbaImage::filled(job.width, job.height, job.background, 255);
    for (std::size_t i = 0; i < job.layers.size(); ++i) {
        auto layer = warp_layer(job.layers[i], job);
        if (!layer) return tl::unexpected(RenderError{layer.error(), i});
        composite_over(map, *layer);
    }
    return map;
}

}  // namespace wmsgate::wms

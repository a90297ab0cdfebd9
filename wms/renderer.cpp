#include "wms/renderer.hpp"

#include <gdal_utils.h>

#include <map>
#include <memory>

#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/png_encoder.hpp"
#include "wms/rgba_image.hpp"
#include "wms/xml.hpp"

namespace wmsgate::wms {
namespace {

// Datasets opened by this thread, reused across requests. Opening a GeoTIFF
// per request would cost more than warping a tile from it.
class DatasetCache {
  public:
    GDALDataset* get(const std::string& source) {
        if (const auto it = datasets_.find(source); it != datasets_.end()) return it->second.get();
        // A bound on open files; a catalog rarely has this many layers.
        if (datasets_.size() >= 64) datasets_.clear();
        auto dataset = open_raster(source);
        GDALDataset* raw = dataset.get();
        if (raw != nullptr) datasets_.emplace(source, std::move(dataset));
        return raw;
    }

  private:
    std::map<std::string, GDALDatasetUniquePtr> datasets_;
};

DatasetCache& thread_cache() {
    thread_local DatasetCache cache;
    return cache;
}

struct WarpOptionsDeleter {
    void operator()(GDALWarpAppOptions* options) const { GDALWarpAppOptionsFree(options); }
};
using WarpOptions = std::unique_ptr<GDALWarpAppOptions, WarpOptionsDeleter>;

WarpOptions warp_options(const MapJob& job) {
    // GDALWarp chooses a suitable overview level by itself (-ovr AUTO is the
    // default), so zoomed-out maps read overviews, not full resolution.
    const std::vector<std::string> args = {"-of",
                                           "MEM",
                                           "-t_srs",
                                           "EPSG:4326",
                                           "-te",
                                           format_number(job.bbox.west),
                                           format_number(job.bbox.south),
                                           format_number(job.bbox.east),
                                           format_number(job.bbox.north),
                                           "-ts",
                                           std::to_string(job.width),
                                           std::to_string(job.height),
                                           "-r",
                                           "bilinear",
                                           "-dstalpha"};
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    return WarpOptions(GDALWarpAppOptionsNew(argv.data(), nullptr));
}

// Copies the warped bands into RGBA; a single colour band is grey and fills R,
// G and B. The last band is the alpha that -dstalpha added.
bool read_rgba(GDALDataset& warped, RgbaImage& image) {
    const int bands = warped.GetRasterCount();
    const int w = static_cast<int>(image.width);
    const int h = static_cast<int>(image.height);
    const int colour_bands = bands - 1;
    if (colour_bands < 1) return false;
    const int sources[4] = {1, colour_bands >= 3 ? 2 : 1, colour_bands >= 3 ? 3 : 1, bands};
    for (int channel = 0; channel < 4; ++channel) {
        GDALRasterBand* band = warped.GetRasterBand(sources[channel]);
        const CPLErr err = band->RasterIO(GF_Read, 0, 0, w, h, image.pixels.data() + channel, w, h,
                                          GDT_Byte, 4, GSpacing{4} * w, nullptr);
        if (err != CE_None) return false;
    }
    return true;
}

tl::expected<RgbaImage, std::error_code> warp_layer(const std::string& source, const MapJob& job) {
    const auto failed = tl::unexpected(make_error_code(Errc::render_failed));
    GDALDataset* dataset = thread_cache().get(source);
    if (dataset == nullptr) return tl::unexpected(make_error_code(Errc::dataset_unreadable));

    const auto options = warp_options(job);
    if (!options) return failed;
    GDALDatasetH input = GDALDataset::ToHandle(dataset);
    int usage_error = FALSE;
    GDALDatasetUniquePtr warped(
        GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &input, options.get(), &usage_error)));
    if (!warped) return failed;

    RgbaImage image = RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0);
    if (!read_rgba(*warped, image)) return failed;
    return image;
}

}  // namespace

tl::expected<std::string, std::error_code> render_png(const MapJob& job) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    // Opaque maps start from the background colour, so layers composite onto it.
    RgbaImage map = job.transparent ? RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0)
                                    : RgbaImage::filled(job.width, job.height, job.background, 255);
    for (const auto& source : job.sources) {
        auto layer = warp_layer(source, job);
        if (!layer) return tl::unexpected(layer.error());
        composite_over(map, *layer);
    }
    return encode_png(map, job.transparent ? PngAlpha::keep : PngAlpha::drop);
}

}  // namespace wmsgate::wms

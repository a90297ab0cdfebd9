#include "wms/renderer.hpp"

#include <algorithm>

#include "wms/dataset_cache.hpp"
#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/pixel_mapping.hpp"
#include "wms/resampler.hpp"
#include "wms/source_georef.hpp"
#include "wms/source_window.hpp"
#include "wms/vector_renderer.hpp"

namespace wmsgate::wms {
namespace {

// Maps are drawn in strips of about this many pixels, so that the source
// window read for one strip stays small (a few MB) whatever the map's size.
constexpr unsigned strip_pixels = 1u << 20;
// A render thread keeps its window buffers up to this size between maps
// (a 1024x768 map needs about 7 MB); a huge map's are freed after it.
constexpr std::size_t kept_window_bytes = std::size_t{8} << 20;

// Frees the thread's mask after a map that needed a large one.
struct TrimMaskAfterUse {
    AreaMask& mask;
    ~TrimMaskAfterUse() {
        if (mask.inside.capacity() > kept_window_bytes) mask = AreaMask{};
    }
};

// Frees the thread's window buffers after a map that needed large ones.
struct TrimAfterUse {
    SourceWindow& window;
    ~TrimAfterUse() {
        if (window.bytes_held() > kept_window_bytes) window = SourceWindow{};
    }
};

// Rather than GDALWarp, which parses its options, builds a transformer and a
// MEM dataset and runs its general kernel on every request, each layer is
// drawn by: map pixel -> source position (PROJ through a cached transformation,
// interpolated on a grid), one read of the source window from the right
// overview level, and the layer's kernel (bilinear unless configured) over
// that window.
tl::expected<void, std::error_code> draw_layer(const LayerJob& layer, const MapJob& job,
                                               RgbaImage& map) {
    // The mask comes first: a map wholly outside the client's area never
    // touches the data, and its pixels stay exactly as the map began.
    // Per thread and kept, like the window below: no allocation per map.
    thread_local AreaMask mask;
    const TrimMaskAfterUse trim_mask{mask};
    mask.cover = AreaMask::Cover::all;
    if (layer.area) {
        layer.area->mask(job.epsg, job.bbox, job.width, job.height, mask);
        if (mask.cover == AreaMask::Cover::none) return {};
    }
    const bool partial = mask.cover == AreaMask::Cover::part;
    GDALDataset* dataset = thread_dataset(layer.source);
    if (dataset == nullptr) return tl::unexpected(make_error_code(Errc::dataset_unreadable));
    const auto georef = source_georef(*dataset, job.epsg);
    if (!georef) {
        forget_thread_dataset(layer.source);
        return tl::unexpected(make_error_code(georef.error()));
    }
    // A CRS that PROJ cannot relate to the data shows nothing of it: WMS
    // clients pan and reproject anywhere.
    if (georef->relation == CrsRelation::unrelated) return {};

    const PixelMapping mapping(*georef, job.bbox, job.width, job.height);
    const SourceLayout layout = source_layout(*dataset, layer.paint);
    const unsigned rows = std::max(1u, strip_pixels / job.width);
    // Per thread and kept: render threads are few and long-lived, and
    // reusing the window's memory spares a multi-MB allocation per map.
    thread_local SourceWindow window;
    const TrimAfterUse trim{window};
    for (unsigned y0 = 0; y0 < job.height; y0 += rows) {
        if (job.stop.stop_requested()) return tl::unexpected(make_error_code(Errc::cancelled));
        const unsigned height = std::min(rows, job.height - y0);
        if (partial &&
            std::none_of(mask.row_touched.begin() + y0, mask.row_touched.begin() + y0 + height,
                         [](std::uint8_t touched) { return touched != 0; }))
            continue;
        const auto read = read_window(*dataset, layout, mapping.bounds(y0, y0 + height),
                                      mapping.scale(), layer.resampling, window);
        if (!read) {
            // A file that turned corrupt or was truncated: an error for this
            // map, and a fresh handle for the next one.
            forget_thread_dataset(layer.source);
            return tl::unexpected(make_error_code(Errc::render_failed));
        }
        resample(window, layout, layer.paint, mapping,
                 {map, y0, y0 + height, georef->width, georef->height,
                  partial ? mask.inside.data() : nullptr},
                 layer.resampling);
    }
    return {};
}

}  // namespace

tl::expected<RgbaImage, RenderError> render_map(const MapJob& job) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    // Opaque maps start from the background colour, so layers composite onto it.
    RgbaImage map = job.transparent ? RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0)
                                    : RgbaImage::filled(job.width, job.height, job.background, 255);
    if (job.width == 0 || job.height == 0) return map;
    // In LAYERS order, each over those before it, rasters and vectors alike.
    for (std::size_t i = 0; i < job.layers.size(); ++i) {
        const LayerJob& layer = job.layers[i];
        auto drawn = layer.vector ? draw_vector_layer(*layer.vector, layer.area.get(), job, map)
                                  : draw_layer(layer, job, map);
        if (!drawn)
            return tl::unexpected(RenderError{drawn.error(), i, QuietGdalErrors::last_error()});
    }
    return map;
}

}  // namespace wmsgate::wms

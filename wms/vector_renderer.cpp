#include "wms/vector_renderer.hpp"

#include <algorithm>

#include "wms/vector_draw.hpp"
#include "wms/vector_projection.hpp"
#include "wms/vector_source.hpp"

namespace wmsgate::wms {
namespace {

// How often a long read checks whether anybody still waits for the map.
constexpr unsigned features_between_stop_checks = 256;

struct OgrFeatureDeleter {
    void operator()(OGRFeature* feature) const { OGRFeature::DestroyFeature(feature); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, OgrFeatureDeleter>;

// The widest a feature draws beyond its geometry, in pixels.
double reach_in_pixels(const std::vector<VectorRule>& rules, const std::vector<char>& active) {
    double reach = 1;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (!active[i]) continue;
        reach = std::max({reach, rules[i].stroke_width / 2 + 1,
                          rules[i].point_size / 2 + rules[i].stroke_width / 2 + 1});
    }
    return reach;
}

tl::expected<void, std::error_code> draw_features(VectorSource& source, const VectorLayerSpec& spec,
                                                  const MapJob& job, RgbaImage& target) {
    const double scale = scale_denominator(job.bbox, job.width, job.epsg);
    std::vector<char> active(spec.rules.size());
    for (std::size_t i = 0; i < spec.rules.size(); ++i)
        active[i] = spec.rules[i].applies_at(scale) ? char{1} : char{0};
    if (std::none_of(active.begin(), active.end(), [](char a) { return a != 0; })) return {};

    OGRLayer& layer = source.layer();
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) return tl::unexpected(make_error_code(Errc::dataset_not_georeferenced));
    const VectorProjection& projection = vector_projection(*srs, job.epsg);
    // A CRS that PROJ cannot relate to the data shows nothing of it.
    if (!projection.related) return {};
    const PixelFrame frame(job.bbox, job.width, job.height);
    const double margin =
        reach_in_pixels(spec.rules, active) * std::max(frame.x_per_pixel, frame.y_per_pixel);
    const auto box = box_in_layer(projection, job.bbox, margin);
    if (!box) return {};

    source.read_fields_for(VectorSource::Purpose::draw);
    layer.SetSpatialFilterRect(box->minx, box->miny, box->maxx, box->maxy);
    layer.ResetReading();
    VectorCanvas canvas(target, frame);
    for (unsigned read = 1;; ++read) {
        if (read % features_between_stop_checks == 0 && job.stop.stop_requested())
            return tl::unexpected(make_error_code(Errc::cancelled));
        // The end of the features and a failed read look alike; only the
        // error state tells them apart (a PostGIS server gone away, a
        // truncated file). Reset per feature: drawing may leave messages
        // of its own (a point PROJ cannot place).
        CPLErrorReset();
        const FeaturePtr feature{layer.GetNextFeature()};
        if (!feature) {
            if (CPLGetLastErrorType() >= CE_Failure)
                return tl::unexpected(make_error_code(Errc::render_failed));
            break;
        }
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr) continue;
        if (const auto rule = source.first_match(*feature, active))
            canvas.draw(*geometry, spec.rules[*rule], projection.to_map);
    }
    return {};
}

// Where the client sees only part of the map, the layer is drawn apart and
// copied onto the map inside the area only.
void composite_inside(RgbaImage& map, RgbaImage& layer, const AreaMask& mask) {
    for (std::size_t i = 0; i < mask.inside.size(); ++i)
        if (!mask.inside[i]) layer.pixels[i * 4 + 3] = 0;
    composite_over(map, layer);
}

}  // namespace

tl::expected<void, std::error_code> draw_vector_layer(const VectorLayerSpec& spec, const Area* area,
                                                      const MapJob& job, RgbaImage& map) {
    AreaMask mask;
    mask.cover = AreaMask::Cover::all;
    if (area != nullptr) {
        area->mask(job.epsg, job.bbox, job.width, job.height, mask);
        if (mask.cover == AreaMask::Cover::none) return {};
    }
    VectorSource* source = thread_vector_source(spec);
    if (source == nullptr) return tl::unexpected(make_error_code(Errc::dataset_unreadable));
    tl::expected<void, std::error_code> drawn;
    if (mask.cover == AreaMask::Cover::all) {
        drawn = draw_features(*source, spec, job, map);
    } else {
        RgbaImage layer = RgbaImage::filled(job.width, job.height, Rgb{0, 0, 0}, 0);
        drawn = draw_features(*source, spec, job, layer);
        if (drawn) composite_inside(map, layer, mask);
    }
    // A source that failed mid-read (a server restarted, a file replaced)
    // is opened afresh for the next map.
    if (!drawn && drawn.error() != make_error_code(Errc::cancelled))
        forget_thread_vector_source(spec);
    return drawn;
}

}  // namespace wmsgate::wms

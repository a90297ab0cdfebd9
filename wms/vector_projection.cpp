#include "wms/vector_projection.hpp"

#include <cpl_conv.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "wms/crs_reach.hpp"
#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using Transform = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

struct CachedProjection {
    VectorProjection projection;
    Transform to_map;
    Transform to_layer;
};

std::unique_ptr<CachedProjection> make_projection(const OGRSpatialReference& layer_srs, int epsg) {
    auto out = std::make_unique<CachedProjection>();
    OGRSpatialReference map;
    if (map.importFromEPSG(epsg) != OGRERR_NONE) return out;
    map.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRSpatialReference> layer(layer_srs.Clone());
    layer->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (map.IsSame(layer.get())) {
        out->projection.related = true;
        return out;
    }
    out->to_map.reset(OGRCreateCoordinateTransformation(layer.get(), &map));
    out->to_layer.reset(OGRCreateCoordinateTransformation(&map, layer.get()));
    out->projection = {out->to_map && out->to_layer, out->to_map.get(), out->to_layer.get(),
                       crs_reach(epsg)};
    return out;
}

double metres_per_unit(int epsg) {
    thread_local std::map<int, double> cache;
    if (const auto it = cache.find(epsg); it != cache.end()) return it->second;
    OGRSpatialReference srs;
    double metres = 1;
    if (srs.importFromEPSG(epsg) == OGRERR_NONE) {
        metres = srs.IsGeographic() ? 6378137.0 * M_PI / 180.0 : srs.GetLinearUnits();
    }
    if (cache.size() >= 64) cache.clear();
    cache.emplace(epsg, metres);
    return metres;
}

}  // namespace

const VectorProjection& vector_projection(const OGRSpatialReference& layer_srs, int epsg) {
    // Keyed by the layer CRS's WKT: a source reopened after a reload may
    // have changed CRS. A catalog has few CRS pairs.
    thread_local std::map<std::pair<std::string, int>, std::unique_ptr<CachedProjection>> cache;
    auto key = std::pair{wkt_of(layer_srs), epsg};
    if (const auto it = cache.find(key); it != cache.end()) return it->second->projection;
    if (cache.size() >= 64) cache.clear();
    return cache.emplace(std::move(key), make_projection(layer_srs, epsg))
        .first->second->projection;
}

std::optional<MapBox> box_in_layer(const VectorProjection& projection, const MapBox& map_box,
                                   double margin) {
    const MapBox grown{map_box.minx - margin, map_box.miny - margin, map_box.maxx + margin,
                       map_box.maxy + margin};
    if (projection.to_layer == nullptr) return grown;
    const MapBox& reach = projection.reach;
    const MapBox cut{std::max(grown.minx, reach.minx), std::max(grown.miny, reach.miny),
                     std::min(grown.maxx, reach.maxx), std::min(grown.maxy, reach.maxy)};
    if (!(cut.minx <= cut.maxx && cut.miny <= cut.maxy)) return std::nullopt;
    MapBox out;
    if (!projection.to_layer->TransformBounds(cut.minx, cut.miny, cut.maxx, cut.maxy, &out.minx,
                                              &out.miny, &out.maxx, &out.maxy, 21))
        return std::nullopt;
    return out;
}

double scale_denominator(const MapBox& box, unsigned width, int epsg) {
    const double units_per_pixel = (box.maxx - box.minx) / width;
    return units_per_pixel * metres_per_unit(epsg) / 0.00028;
}

}  // namespace wmsgate::wms

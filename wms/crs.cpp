#include "wms/crs.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "wms/gdal_support.hpp"
#include "wms/kvp.hpp"

namespace wmsgate::wms {
namespace {

std::optional<CrsRef> lookup(const std::string& upper) {
    if (upper == "CRS:84") return CrsRef{"CRS:84", 4326, false};
    if (upper.rfind("EPSG:", 0) != 0) return std::nullopt;
    const std::string_view digits = std::string_view(upper).substr(5);
    int code = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
    if (ec != std::errc{} || end != digits.data() + digits.size() || code <= 0) return std::nullopt;

    QuietGdalErrors quiet;
    OGRSpatialReference srs;
    if (srs.importFromEPSG(code) != OGRERR_NONE) return std::nullopt;
    const bool yx = srs.EPSGTreatsAsLatLong() || srs.EPSGTreatsAsNorthingEasting();
    return CrsRef{"EPSG:" + std::to_string(code), code, yx};
}

}  // namespace

std::optional<CrsRef> resolve_crs(std::string_view name) {
    // Bounded so that a client cycling through made-up codes cannot grow it.
    constexpr std::size_t max_entries = 4096;
    static std::mutex mutex;
    static std::map<std::string, std::optional<CrsRef>, std::less<>> cache;

    const std::string upper = to_upper_ascii(name);
    {
        std::lock_guard lock(mutex);
        if (const auto it = cache.find(upper); it != cache.end()) return it->second;
    }
    auto found = lookup(upper);
    std::lock_guard lock(mutex);
    if (cache.size() >= max_entries) cache.clear();
    cache.emplace(upper, found);
    return found;
}

namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};

}  // namespace

std::optional<MapBox> project_extent(const GeoBox& extent, int epsg) {
    QuietGdalErrors quiet;
    OGRSpatialReference wgs84;
    OGRSpatialReference target;
    if (wgs84.importFromEPSG(4326) != OGRERR_NONE || target.importFromEPSG(epsg) != OGRERR_NONE)
        return std::nullopt;
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

    GeoBox clip = extent;
    double w = 0, s = 0, e = 0, n = 0;
    const char* area = nullptr;
    if (target.GetAreaOfUse(&w, &s, &e, &n, &area) && w <= e) {
        clip = {std::max(clip.west, w), std::max(clip.south, s), std::min(clip.east, e),
                std::min(clip.north, n)};
    }
    if (clip.west >= clip.east || clip.south >= clip.north) return std::nullopt;
    if (epsg == 4326) return MapBox{clip.west, clip.south, clip.east, clip.north};

    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> transform(
        OGRCreateCoordinateTransformation(&wgs84, &target));
    MapBox out;
    if (!transform || !transform->TransformBounds(clip.west, clip.south, clip.east, clip.north,
                                                  &out.minx, &out.miny, &out.maxx, &out.maxy, 21))
        return std::nullopt;
    if (!std::isfinite(out.minx) || !std::isfinite(out.maxy) || out.minx >= out.maxx ||
        out.miny >= out.maxy)
        return std::nullopt;
    return out;
}

}  // namespace wmsgate::wms

#include "wms/crs_reach.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "wms/crs.hpp"

namespace wmsgate::wms {
namespace {

MapBox reach_of(int epsg) {
    // Without an area of use from PROJ's database, a box that holds every
    // projection of the Earth in metres or feet.
    const MapBox area =
        project_extent({-180, -90, 180, 90}, epsg).value_or(MapBox{-4.0e7, -4.0e7, 4.0e7, 4.0e7});
    const double grow = 2 * std::max(area.maxx - area.minx, area.maxy - area.miny);
    return {area.minx - grow, area.miny - grow, area.maxx + grow, area.maxy + grow};
}

}  // namespace

MapBox crs_reach(int epsg) {
    // Codes come from resolve_crs, which knows only what PROJ knows; the
    // bound keeps the cache small all the same.
    constexpr std::size_t max_entries = 4096;
    static std::mutex mutex;
    static std::map<int, MapBox> cache;
    {
        std::lock_guard lock(mutex);
        if (const auto it = cache.find(epsg); it != cache.end()) return it->second;
    }
    const MapBox reach = reach_of(epsg);
    std::lock_guard lock(mutex);
    if (cache.size() >= max_entries) cache.clear();
    cache.emplace(epsg, reach);
    return reach;
}

bool within(const MapBox& box, double x, double y) {
    return x >= box.minx && x <= box.maxx && y >= box.miny && y <= box.maxy;
}

void transform_within(OGRCoordinateTransformation& transform, const MapBox& reach, std::size_t n,
                      double* x, double* y, int* ok) {
    // Nearly always every point is in reach: then they go to PROJ as they are.
    bool all_within = true;
    for (std::size_t k = 0; k < n && all_within; ++k) all_within = within(reach, x[k], y[k]);
    if (all_within) {
        if (!transform.Transform(static_cast<int>(n), x, y, nullptr, ok))
            std::fill(ok, ok + n, FALSE);
        return;
    }
    std::vector<std::size_t> inside;
    inside.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        ok[k] = FALSE;
        if (within(reach, x[k], y[k])) inside.push_back(k);
    }
    if (inside.empty()) return;
    // One PROJ call for all of them: its per-call cost is far above its
    // per-point cost.
    std::vector<double> xs(inside.size()), ys(inside.size());
    std::vector<int> done(inside.size(), FALSE);
    for (std::size_t i = 0; i < inside.size(); ++i) {
        xs[i] = x[inside[i]];
        ys[i] = y[inside[i]];
    }
    if (!transform.Transform(static_cast<int>(inside.size()), xs.data(), ys.data(), nullptr,
                             done.data()))
        return;
    for (std::size_t i = 0; i < inside.size(); ++i) {
        x[inside[i]] = xs[i];
        y[inside[i]] = ys[i];
        ok[inside[i]] = done[i];
    }
}

}  // namespace wmsgate::wms

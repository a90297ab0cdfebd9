#pragma once

// A region a client may see a layer in: polygons in any CRS, prepared once
// (read, validated, unioned) and then drawn into every map it limits. The
// daemon loads areas from files named in its config; the WMS receives them
// with the client's view and never learns where they came from.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "wms/area_outline.hpp"
#include "wms/geo.hpp"

class OGRGeometry;
class OGRSpatialReference;

namespace wmsgate::wms {

// Why an area file cannot be used, worded for the admin who wrote it.
struct AreaError {
    std::string reason;
};

// Immutable once made; safe to share between threads. Its outline in each
// map CRS is worked out on first use and kept.
class Area {
  public:
    // The union of every feature of every layer of an OGR dataset. Each
    // feature must be a polygon or multipolygon (curves are linearised)
    // with a valid geometry, and each layer must have a CRS.
    static tl::expected<std::shared_ptr<const Area>, AreaError> load(const std::string& path);
    // From WKT polygons in EPSG:`epsg` (x first); for tests and benchmarks.
    static tl::expected<std::shared_ptr<const Area>, AreaError> from_wkt(std::string_view wkt,
                                                                         int epsg);
    // The union of `areas`, in the CRS of the first; null when the list is
    // empty or the union cannot be formed.
    static std::shared_ptr<const Area> union_of(
        const std::vector<std::shared_ptr<const Area>>& areas);

    ~Area();
    Area(const Area&) = delete;
    Area& operator=(const Area&) = delete;

    // The area in EPSG:`epsg`, x first. Empty where PROJ cannot express
    // it there: a CRS that cannot show the area shows none of it.
    std::shared_ptr<const AreaOutline> outline(int epsg) const;

    // The pixels of a width x height map of EPSG:`epsg` over `box` that
    // lie inside (see AreaOutline::mask).
    AreaMask mask(int epsg, const MapBox& box, unsigned width, unsigned height) const {
        return outline(epsg)->mask(box, width, height);
    }
    void mask(int epsg, const MapBox& box, unsigned width, unsigned height, AreaMask& out) const {
        outline(epsg)->mask(box, width, height, out);
    }

    // Changes whenever the geometry or its CRS does; equal for equal areas.
    std::uint64_t fingerprint() const { return fingerprint_; }
    std::size_t vertices() const { return vertices_; }

  private:
    Area(std::unique_ptr<OGRGeometry> geometry, std::unique_ptr<OGRSpatialReference> srs);
    std::shared_ptr<const AreaOutline> make_outline(int epsg) const;

    std::unique_ptr<OGRGeometry> geometry_;
    std::unique_ptr<OGRSpatialReference> srs_;  // traditional GIS order: x first
    std::uint64_t fingerprint_ = 0;
    std::size_t vertices_ = 0;

    // OGRSpatialReference and OGRGeometry are not safe to use from two
    // threads at once, even for reading: all of that happens under this.
    mutable std::mutex mutex_;
    mutable std::map<int, std::shared_ptr<const AreaOutline>> outlines_;
};

}  // namespace wmsgate::wms

#pragma once

// The rings of an area in one map CRS, and what a map needs from them: which
// of its pixels lie inside, and how far the area reaches within a box. Pure
// geometry, no GDAL, so that the edge rules are tested on their own.

#include <cstdint>
#include <optional>
#include <vector>

#include "wms/geo.hpp"

namespace wmsgate::wms {

struct Point {
    double x = 0;
    double y = 0;
};

// One byte per map pixel, row-major: 1 where the layer may be drawn.
struct AreaMask {
    enum class Cover { none, part, all };
    unsigned width = 0;
    unsigned height = 0;
    Cover cover = Cover::none;
    std::vector<std::uint8_t> inside;  // empty unless cover is part
    // Per row: whether any of its pixels is inside (lets a renderer skip
    // strips that are wholly outside without reading their data).
    std::vector<std::uint8_t> row_touched;
};

// Closed rings (the last point need not repeat the first), x first. Holes
// and islands alike: a point is inside when a ray from it crosses the rings
// an odd number of times, so the rings of a union (which never overlap)
// describe it exactly.
class AreaOutline {
  public:
    AreaOutline() = default;
    explicit AreaOutline(std::vector<std::vector<Point>> rings);

    bool empty() const { return rings_.empty(); }
    const std::optional<MapBox>& envelope() const { return envelope_; }
    std::size_t vertices() const;

    // Pixel (column, row) of a width x height map over `box` is inside when
    // its centre is: the same rule for every pixel, so an edge pixel is
    // either drawn whole or not at all (no partial coverage to bleed data
    // across the edge). A centre exactly on an edge counts as inside for
    // left and top edges and outside for right and bottom ones, so two
    // areas sharing an edge never both claim a pixel.
    AreaMask mask(const MapBox& box, unsigned width, unsigned height) const;

    // The mask's answer for one pixel, without making the whole mask.
    bool covers_pixel(const MapBox& box, unsigned width, unsigned height, unsigned column,
                      unsigned row) const;

    // The envelope of (area ∩ box); nullopt when they do not overlap.
    std::optional<MapBox> clipped_envelope(const MapBox& box) const;

  private:
    // An edge in a map's pixel space (y down), with the rows whose centre
    // line it crosses.
    struct PixelEdge {
        double x0, y0, dxdy;
        int first_row, last_row;
    };
    std::vector<PixelEdge> pixel_edges(const MapBox& box, unsigned width, unsigned height) const;
    bool inside(double x, double y) const;

    std::vector<std::vector<Point>> rings_;
    std::optional<MapBox> envelope_;
};

}  // namespace wmsgate::wms

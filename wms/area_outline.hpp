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
    // The same into `out`, reusing its memory (a render thread keeps one).
    void mask(const MapBox& box, unsigned width, unsigned height, AreaMask& out) const;

    // The mask's answer for one pixel, without making the whole mask.
    bool covers_pixel(const MapBox& box, unsigned width, unsigned height, unsigned column,
                      unsigned row) const;

    // The envelope of (area ∩ box); nullopt when they do not overlap.
    std::optional<MapBox> clipped_envelope(const MapBox& box) const;

  private:
    struct Edge {
        Point a, b;
    };
    // An edge in a map's pixel space (y down), with the rows whose centre
    // line it crosses.
    struct PixelEdge {
        double x0, y0, dxdy;
        int first_row, last_row;
    };
    // The edges that matter to rows [row0, row1) of a map: those that may
    // cross its pixels, and (as a count per row, parity is all that
    // counts) those wholly left of it. Edges wholly right of the map, above
    // or below those rows are left out: they change no pixel.
    struct Selection {
        std::vector<PixelEdge> inner;
        std::vector<std::uint8_t> left_parity;  // per row of [row0, row1)
    };
    // Into `out` (cleared first; a thread reuses one, see fill()).
    void select(const MapBox& box, unsigned width, unsigned height, unsigned row0, unsigned row1,
                Selection& out) const;
    // Rows [row0, row1) of the mask into `rows` (width bytes each, every one
    // written); returns the pixels set, and marks each row with any in `touched`.
    std::size_t fill(const MapBox& box, unsigned width, unsigned height, unsigned row0,
                     unsigned row1, std::uint8_t* rows, std::uint8_t* touched) const;
    bool inside(double x, double y) const;

    std::vector<std::vector<Point>> rings_;
    std::optional<MapBox> envelope_;
    // The edges by horizontal band of the envelope, so that a map looks only
    // at the edges near it. Band b's edges are band_edges_[band_start_[b],
    // band_start_[b + 1]): first those whose lowest point lies in it, then
    // those reaching in from a lower band, each run ordered by its edges'
    // least x so that a map stops at the first edge right of it. One flat
    // array, copied per band, because the lookup is bound by memory:
    // indices into a shared edge list made every visit a cache miss.
    std::vector<Edge> band_edges_;
    std::vector<std::uint32_t> band_start_;    // bands + 1 entries
    std::vector<std::uint32_t> reached_from_;  // per band: where its reaching edges begin
    double band_height_ = 0;
    std::size_t band_of(double y) const;
};

}  // namespace wmsgate::wms

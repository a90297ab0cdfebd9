#pragma once

// Where each output pixel falls in a source raster. Private to wms/'s
// rendering.

#include <vector>

#include "wms/geo.hpp"
#include "wms/source_georef.hpp"

namespace wmsgate::wms {

// An area of a source raster in full-resolution pixel/line coordinates.
struct PixelBounds {
    double minx = 0;
    double miny = 0;
    double maxx = 0;
    double maxy = 0;
    bool empty() const { return !(minx <= maxx && miny <= maxy); }
};

// Maps the centre of every pixel of a width x height map over `box` to the
// source's full-resolution pixel/line space. In the same CRS that is one
// affine map. Otherwise PROJ transforms a grid of nodes every few pixels
// and positions between nodes are interpolated, as GDAL's approximate
// transformer does; a grid cell where that would be off by more than an
// eighth of a source pixel, or where a node cannot be transformed (outside
// the CRS's area), is transformed pixel by pixel instead.
class PixelMapping {
  public:
    PixelMapping(const SourceGeoref& georef, const MapBox& box, unsigned width, unsigned height);

    // Positions of output row `y` (`width` each); NaN where a point has no
    // position in the source CRS.
    void row(unsigned y, double* x_out, double* y_out) const;

    // True when x positions depend on the column only and y positions on
    // the row only (the same CRS, a north-up raster): then column(x) and
    // line(y) give them without a row of positions per map row.
    bool separable() const;
    double column(unsigned x) const;
    double line(unsigned y) const;

    // The area that rows [y0, y1) fall in (empty if none can be mapped).
    PixelBounds bounds(unsigned y0, unsigned y1) const;

    // Source pixels per output pixel: the median over the map of the finer
    // axis, which decides the overview level to read.
    double scale() const { return scale_; }

  private:
    struct Cell {
        bool exact = false;  // transformed pixel by pixel
        PixelBounds bounds;
    };

    void map_point(double px, double py, double& mx, double& my) const;
    void build_grid();
    // Map CRS positions -> source pixel/line, in place; NaN where PROJ fails.
    void to_pixels(std::size_t n, double* x, double* y) const;
    void transform_pixels(unsigned y, unsigned x0, unsigned x1, double* x_out, double* y_out) const;
    std::size_t node(std::size_t i, std::size_t j) const { return j * xs_.size() + i; }

    SourceGeoref georef_;
    MapBox box_;
    unsigned width_;
    unsigned height_;
    double scale_ = 1;
    // Grid (transformed CRS only): node pixel columns/rows, node positions,
    // and one cell between each pair of neighbouring node columns and rows.
    std::vector<unsigned> xs_, ys_;
    std::vector<double> node_x_, node_y_;
    std::vector<Cell> cells_;
};

}  // namespace wmsgate::wms

#pragma once

// Draws OGR geometries onto a map with AGG (anti-aliased). Private to wms/.

#include <ogr_geometry.h>

#include <memory>

#include "wms/geo.hpp"
#include "wms/rgba_image.hpp"
#include "wms/vector_style.hpp"

namespace wmsgate::wms {

// Map coordinates to pixel positions: pixel (0, 0)'s top-left corner is
// (box.minx, box.maxy), as GetMap's BBOX says.
struct PixelFrame {
    double minx = 0;
    double maxy = 0;
    double x_per_pixel = 1;
    double y_per_pixel = 1;

    PixelFrame(const MapBox& box, unsigned width, unsigned height)
        : minx(box.minx),
          maxy(box.maxy),
          x_per_pixel((box.maxx - box.minx) / width),
          y_per_pixel((box.maxy - box.miny) / height) {}
};

// Draws onto an image with straight alpha ("source over", like the raster
// layers). Polygons are filled by the even-odd rule, so holes stay open
// whichever way their rings turn; outlines and lines have round joins, lines
// round caps; points are discs of the rule's point_size.
class VectorCanvas {
  public:
    VectorCanvas(RgbaImage& image, const PixelFrame& frame);
    ~VectorCanvas();
    VectorCanvas(const VectorCanvas&) = delete;
    VectorCanvas& operator=(const VectorCanvas&) = delete;

    // `geometry` is in the layer's CRS; `to_map` (null: same CRS) takes it
    // to the map's. Curves are drawn through their linear approximation,
    // multi-geometries and collections part by part.
    void draw(const OGRGeometry& geometry, const VectorRule& rule,
              OGRCoordinateTransformation* to_map);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wmsgate::wms

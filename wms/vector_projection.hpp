#pragma once

// Between a vector layer's CRS and a map's. Private to wms/.

#include <ogr_spatialref.h>

#include <optional>

#include "wms/geo.hpp"

namespace wmsgate::wms {

struct VectorProjection {
    bool related = false;  // false: PROJ cannot relate the CRSs; nothing is drawn
    // Null when both CRSs are the same. Owned by the calling thread's cache:
    // valid until its next call to vector_projection. x first on both sides.
    OGRCoordinateTransformation* to_map = nullptr;
    OGRCoordinateTransformation* to_layer = nullptr;
    // Where in the map CRS `to_layer` may be asked (crs_reach.hpp).
    MapBox reach;
};

// The transformations between `layer_srs` and EPSG:`epsg`. Creating them
// costs far more than drawing a tile, so each thread keeps those it made.
const VectorProjection& vector_projection(const OGRSpatialReference& layer_srs, int epsg);

// The map box in the layer's CRS (edges densified), grown by `margin` map
// units on every side first and then cut to the projection's reach;
// nullopt when nothing of it is left or it cannot be transformed.
std::optional<MapBox> box_in_layer(const VectorProjection& projection, const MapBox& map_box,
                                   double margin);

// The OGC scale denominator of a map (0.28 mm pixels); degrees count as
// their length on the equator, as MapServer and GeoServer count them.
double scale_denominator(const MapBox& box, unsigned width, int epsg);

}  // namespace wmsgate::wms

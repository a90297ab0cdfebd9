#pragma once

#include <string>

#include "tests/wms/test_datasets.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms::test {

// Vector data made with OGR in a private temporary directory, all in
// EPSG:4326 (lon/lat), laid out for a 120x120 map of -60..60 in both axes
// (one degree per pixel; the pixel of (lon, lat) is (lon + 60, 60 - lat)).
//  vectors.gpkg, layer "parcels" (fields id, class, area):
//   1 forest  square 0..10 x 0..10
//   2 water   square 20..40 x 0..20 with a hole 25..35 x 5..15
//   3 field   multipolygon: -40..-30 x 0..10 and -20..-10 x 0..10
//   4 other   square 0..10 x 20..30
//  layer "roads" (fields id, name): 1 "Main" from (-50,-20) to (50,-20)
//  layer "wells" (fields id, depth): 1 point (5,-40); 2 multipoint (20,-40), (30,-40)
//  parcels.geojson: "parcels" again, as GeoJSON (which has no spatial index)
class VectorDatasets {
  public:
    VectorDatasets();

    std::string gpkg() const { return dir_.file("vectors.gpkg"); }
    std::string geojson() const { return dir_.file("parcels.geojson"); }

    // A vector layer config over gpkg().
    LayerConfig layer(const std::string& name, const std::string& source_layer) const;

  private:
    TempDir dir_{"wmsgate-vector"};
};

// A rule with a fill only (or a stroke only where `fill` is false).
VectorRule rule(const std::string& filter, Rgba colour, bool fill = true);

}  // namespace wmsgate::wms::test

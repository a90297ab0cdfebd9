#pragma once

// Where a source raster lies in a map CRS. Private to wms/'s rendering.

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <tl/expected.hpp>

#include "wms/errors.hpp"
#include "wms/geo.hpp"

namespace wmsgate::wms {

enum class CrsRelation {
    same,         // the map CRS is the source's: positions map by the geotransform alone
    transformed,  // through `to_source`
    unrelated,    // PROJ has no transformation: nothing of the source can be drawn
};

struct SourceGeoref {
    int width = 0;  // full-resolution size
    int height = 0;
    std::array<double, 6> inverse_gt{};  // source CRS -> full-resolution pixel/line
    CrsRelation relation = CrsRelation::unrelated;
    // Map CRS -> source CRS, x first on both sides. Owned by the calling
    // thread's cache: valid until that thread's next call to source_georef.
    OGRCoordinateTransformation* to_source = nullptr;
    // Where in the map CRS `to_source` may be asked (crs_reach.hpp).
    MapBox reach;
};

// The dataset's georeferencing against EPSG:`epsg`. Creating a PROJ
// transformation costs far more than warping a tile, so each thread keeps
// the ones it made (they are not thread-safe), keyed by both CRSs.
// dataset_not_georeferenced when the dataset lost its geotransform or CRS.
tl::expected<SourceGeoref, Errc> source_georef(GDALDataset& dataset, int epsg);

}  // namespace wmsgate::wms

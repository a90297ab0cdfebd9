#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "wms/request.hpp"

namespace wmsgate::wms {

// One attribute of a vector feature; nullopt where it is null or unset.
struct FeatureAttribute {
    std::string name;
    std::optional<std::string> value;
    bool number = false;  // integer or real: JSON writes it bare
};

// A vector feature under the clicked point.
struct QueriedFeature {
    std::int64_t fid = 0;
    std::vector<FeatureAttribute> attributes;
};

// One queried layer at the clicked point. A raster: no values when the
// point lies outside the data; a band's value is nullopt where it is
// nodata. A vector layer: the features under the point (inside when any).
struct LayerValues {
    std::string layer;
    std::vector<std::optional<double>> bands;
    bool inside = false;
    bool vector = false;
    std::vector<QueriedFeature> features;
};

struct SampleError {
    std::error_code code;  // Errc::dataset_unreadable or Errc::render_failed
    std::string gdal;      // GDAL's own message, if it gave one
};

// The band values of `source` at map coordinates (x, y) of EPSG:`epsg`
// (x first). Uses this thread's dataset handle.
tl::expected<LayerValues, SampleError> sample_point(const std::string& layer,
                                                    const std::string& source, int epsg, double x,
                                                    double y);

// The cell (column, row) holding dataset pixel/line position (x, y) in a
// width × height raster; nullopt outside it or for a non-finite position.
std::optional<std::pair<int, int>> pixel_cell(double x, double y, int width, int height);

// The centre of pixel (i, j) of the map, in map coordinates.
std::pair<double, double> pixel_centre(const GetMapRequest& map, unsigned i, unsigned j);

// Formats the answer. FEATURE_COUNT bounds the layers reported with values:
// a raster has one feature (the pixel) per layer. (A vector layer's
// features are bounded by its query, so all given are written.)
std::string format_feature_info(const std::vector<LayerValues>& layers, InfoFormat format,
                                unsigned feature_count);
std::string_view info_content_type(InfoFormat format);

}  // namespace wmsgate::wms

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "wms/geo.hpp"
#include "wms/service_config.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

// The layer's extent in one CRS it advertises, x first.
struct CrsBox {
    std::string crs;  // "EPSG:3857", "CRS:84"
    MapBox box;
    bool yx_in_130 = false;  // WMS 1.3.0 writes this CRS's boxes y first
};

// A configured layer whose dataset was opened and understood at start-up.
struct LayerInfo {
    std::string name;
    std::string title;
    std::string source;
    GeoBox extent;  // the dataset's extent in WGS84

    std::string abstract;
    std::vector<std::string> keywords;
    bool queryable = true;
    int bands = 0;
    // Fewer than three bands and no colour table: drawn through a style
    // (grey or a ramp) from band 1. Otherwise drawn as RGB(A), scaled to
    // bytes when not bytes, or in the colours of band 1's colour table.
    bool single_band = false;
    bool palette = false;  // band 1 is indexed into a colour table
    bool byte_data = true;
    RampKind default_style = RampKind::grey;
    double min = 0;  // stretch range (config, else the data's min/max)
    double max = 255;
    std::vector<CrsBox> crs_boxes;  // the CRSs this layer advertises
    Resampling resampling = Resampling::bilinear;
    // Set for a vector layer (bands, palette and ramp fields then unused).
    std::shared_ptr<const VectorLayerSpec> vector;
};

struct CatalogError {
    std::error_code code;
    // "layer 'NAME' (SOURCE)", or "layer 'NAME' (SOURCE; GDAL: MESSAGE)" when
    // GDAL said why it could not open or read the source.
    std::string subject;
};

// The layers the service offers, immutable once opened, so it is shared by
// all threads without locking. Datasets are not kept open here: GDAL 3.6
// datasets are single-threaded, so each render thread opens its own.
class LayerCatalog {
  public:
    LayerCatalog() = default;

    // Opens every layer's dataset once to check it and read its extent,
    // bands and value range. Each layer advertises its own CRS (when it has
    // an EPSG code), its configured ones and `service_crs`.
    static tl::expected<LayerCatalog, CatalogError> open(
        const std::vector<LayerConfig>& layers,
        const std::vector<std::string>& service_crs = ServiceConfig{}.crs);

    // Adds CRSs (and their bounding boxes) to every layer; names GDAL does
    // not know, or where the layer lies outside the CRS's area, are skipped.
    void advertise(const std::vector<std::string>& crs);

    // nullptr when no layer has this name.
    const LayerInfo* find(std::string_view name) const;
    const std::vector<LayerInfo>& layers() const { return layers_; }

    // Advice for the admin found while opening (a vector source without a
    // spatial index reads every feature for every map), one sentence each,
    // naming the layer. The caller logs them; the layers work regardless.
    const std::vector<std::string>& warnings() const { return warnings_; }

  private:
    std::vector<LayerInfo> layers_;
    std::vector<std::string> warnings_;
};

}  // namespace wmsgate::wms

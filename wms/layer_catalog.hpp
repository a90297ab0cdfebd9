#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "wms/geo.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms {

// A configured layer whose dataset was opened and understood at start-up.
struct LayerInfo {
    std::string name;
    std::string title;
    std::string source;
    GeoBox extent;  // the dataset's extent in WGS84
};

struct CatalogError {
    std::error_code code;
    std::string subject;  // "layer 'NAME' (SOURCE)"
};

// The layers the service offers, immutable once opened, so it is shared by
// all threads without locking. Datasets are not kept open here: GDAL 3.6
// datasets are single-threaded, so each render thread opens its own.
class LayerCatalog {
  public:
    LayerCatalog() = default;

    // Opens every layer's dataset once to check it and read its extent.
    static tl::expected<LayerCatalog, CatalogError> open(const std::vector<LayerConfig>& layers);

    // nullptr when no layer has this name.
    const LayerInfo* find(std::string_view name) const;
    const std::vector<LayerInfo>& layers() const { return layers_; }

  private:
    std::vector<LayerInfo> layers_;
};

}  // namespace wmsgate::wms

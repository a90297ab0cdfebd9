#pragma once

#include <string>

#include "wms/authorizer.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms {

// The WMS 1.3.0 capabilities document as this client sees it: only the
// catalog's layers named in view.layers appear, and the root layer's extent
// covers only those. Valid against capabilities_1_3_0.xsd.
std::string capabilities_xml(const ServiceConfig& service, const LayerCatalog& catalog,
                             const ClientView& view);

}  // namespace wmsgate::wms

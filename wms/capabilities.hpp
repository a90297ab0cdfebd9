#pragma once

#include <string>
#include <string_view>

#include "wms/authorizer.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/request.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms {

// The capabilities document for one client: only the layers it may see
// appear, and a layer limited to an area has its bounding boxes cut to the
// part of its data inside that area. `update_sequence` is advertised when
// not empty. 1.3.0 follows capabilities_1_3_0.xsd, 1.1.1
// WMS_MS_Capabilities.dtd.
std::string capabilities_xml(const ServiceConfig& service, const LayerCatalog& catalog,
                             const ClientView& view, WmsVersion version = WmsVersion::v1_3_0,
                             std::string_view update_sequence = {});

// text/xml (1.3.0) or application/vnd.ogc.wms_xml (1.1.1).
std::string_view capabilities_content_type(WmsVersion version);

}  // namespace wmsgate::wms

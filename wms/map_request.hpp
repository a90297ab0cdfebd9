#pragma once

// The part GetMap and GetFeatureInfo share. Private to wms/.

#include "wms/request.hpp"

namespace wmsgate::wms {

enum class FormatRule { required, optional };

// Parses the map part of a GetMap or GetFeatureInfo of `version`. Checks
// run so that the picture (FORMAT, WIDTH, HEIGHT, TRANSPARENT, BGCOLOR) is
// known before the layers, CRS and BBOX, which may then fail in it.
tl::expected<GetMapRequest, RequestError> parse_map_part(const Kvp& kvp, WmsVersion version,
                                                         const RequestLimits& limits,
                                                         FormatRule format_rule);

}  // namespace wmsgate::wms

#pragma once

#include <cstdint>
#include <string>
#include <tl/expected.hpp>
#include <variant>
#include <vector>

#include "wms/geo.hpp"
#include "wms/kvp.hpp"
#include "wms/service_exception.hpp"

namespace wmsgate::wms {

enum class WmsVersion { v1_1_1, v1_3_0 };
enum class MapCrs { epsg4326, crs84 };
enum class ImageFormat { png };

struct Rgb {
    std::uint8_t r = 0xFF;
    std::uint8_t g = 0xFF;
    std::uint8_t b = 0xFF;
    bool operator==(const Rgb&) const = default;
};

struct GetCapabilitiesRequest {};

// A syntactically valid GetMap. Whether the layers exist for the client is
// the handler's question, not the parser's.
struct GetMapRequest {
    WmsVersion version = WmsVersion::v1_3_0;
    std::vector<std::string> layers;  // bottom first
    MapCrs crs = MapCrs::epsg4326;
    GeoBox bbox;  // normalized to lon/lat whatever the request's axis order
    unsigned width = 0;
    unsigned height = 0;
    ImageFormat format = ImageFormat::png;
    bool transparent = false;
    Rgb background;  // BGCOLOR, white by default
};

using WmsRequest = std::variant<GetCapabilitiesRequest, GetMapRequest>;

struct RequestLimits {
    unsigned max_width = 4096;
    unsigned max_height = 4096;
};

// Validates SERVICE/REQUEST and the operation's parameters.
tl::expected<WmsRequest, ServiceException> parse_request(const Kvp& kvp,
                                                         const RequestLimits& limits);

}  // namespace wmsgate::wms

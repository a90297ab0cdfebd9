#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <variant>
#include <vector>

#include "wms/crs.hpp"
#include "wms/geo.hpp"
#include "wms/kvp.hpp"
#include "wms/service_exception.hpp"

namespace wmsgate::wms {

enum class WmsVersion { v1_1_1, v1_3_0 };
enum class ImageFormat { png, png8, jpeg, webp };
enum class ExceptionFormat { xml, inimage, blank };
enum class InfoFormat { text, html, json, xml };

struct Rgb {
    std::uint8_t r = 0xFF;
    std::uint8_t g = 0xFF;
    std::uint8_t b = 0xFF;
    bool operator==(const Rgb&) const = default;
};

// The picture a GetMap asked for, known before its layers are checked, so
// that later errors can be answered in it (EXCEPTIONS=INIMAGE/BLANK).
struct ImageSpec {
    ImageFormat format = ImageFormat::png;
    unsigned width = 0;
    unsigned height = 0;
    bool transparent = false;
    Rgb background;  // BGCOLOR, white by default
};

struct GetCapabilitiesRequest {
    WmsVersion version = WmsVersion::v1_3_0;  // negotiated (WMS 1.3.0 6.2.4)
    // UPDATESEQUENCE as the client sent it; empty when it sent none.
    std::string update_sequence;
};

// A syntactically valid GetMap. Whether the layers exist for the client is
// the handler's question, not the parser's.
struct GetMapRequest {
    WmsVersion version = WmsVersion::v1_3_0;
    std::vector<std::string> layers;  // bottom first
    std::vector<std::string> styles;  // one per layer; empty means the default
    CrsRef crs;
    MapBox bbox;  // x first, whatever the request's axis order
    ImageSpec image;
    ExceptionFormat exceptions = ExceptionFormat::xml;
};

struct GetFeatureInfoRequest {
    GetMapRequest map;
    std::vector<std::string> query_layers;
    unsigned i = 0;  // column, from the left
    unsigned j = 0;  // row, from the top
    InfoFormat info_format = InfoFormat::text;
    unsigned feature_count = 1;
};

struct GetLegendGraphicRequest {
    WmsVersion version = WmsVersion::v1_3_0;
    std::string layer;
    std::string style;   // empty: the layer's default
    unsigned width = 0;  // 0: the legend's natural size
    unsigned height = 0;
};

using WmsRequest = std::variant<GetCapabilitiesRequest, GetMapRequest, GetFeatureInfoRequest,
                                GetLegendGraphicRequest>;

struct RequestLimits {
    unsigned max_width = 4096;
    unsigned max_height = 4096;
    unsigned layer_limit = 0;  // 0: none
    // Most pixel-layers one GetMap may cost (see map_cost); 0: no limit.
    std::uint64_t max_pixels = 0;
};

// A refused request and how to answer it: in the version the client speaks,
// and as a picture when a GetMap asked for that and its picture is known.
struct RequestError {
    ServiceException exception;
    WmsVersion version = WmsVersion::v1_3_0;
    ExceptionFormat format = ExceptionFormat::xml;
    ImageSpec image;  // meaningful when format is not xml
};

// Validates SERVICE/REQUEST and the operation's parameters.
tl::expected<WmsRequest, RequestError> parse_request(const Kvp& kvp, const RequestLimits& limits);

// Version negotiation (WMS 1.3.0 6.2.4): a supported version as asked, else
// the highest below it, else the lowest; absent means the highest. Also used
// to pick the exception format before a request is understood.
WmsVersion negotiate_version(std::optional<std::string_view> requested);

std::string_view version_string(WmsVersion version);

}  // namespace wmsgate::wms

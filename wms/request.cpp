#include "wms/request.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace wmsgate::wms {
namespace {

using Result = tl::expected<WmsRequest, ServiceException>;

tl::unexpected<ServiceException> fail(ExceptionCode code, std::string message) {
    return tl::unexpected(ServiceException{code, std::move(message)});
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    while (true) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

// std::from_chars is locale-independent and accepts exponents ("1e2").
std::optional<double> parse_double(std::string_view text) {
    double value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<unsigned> parse_unsigned(std::string_view text) {
    unsigned value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc{} || result.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

tl::expected<std::string_view, ServiceException> required(const Kvp& kvp, std::string_view name) {
    const auto value = kvp.get(name);
    if (!value || value->empty())
        return fail(ExceptionCode::MissingParameterValue,
                    "Parameter " + std::string(name) + " is required");
    return *value;
}

tl::expected<void, ServiceException> parse_layers_and_styles(const Kvp& kvp, GetMapRequest& map) {
    auto layers = required(kvp, "LAYERS");
    if (!layers) return tl::unexpected(layers.error());
    for (const auto name : split(*layers, ',')) map.layers.emplace_back(name);

    // Only the default style exists: empty entries or "default".
    const auto styles = kvp.get("STYLES").value_or("");
    for (const auto style : split(styles, ',')) {
        if (!style.empty() && !iequals_ascii(style, "default"))
            return fail(ExceptionCode::StyleNotDefined,
                        "Style " + std::string(style) + " is not defined");
    }
    return {};
}

tl::expected<void, ServiceException> parse_crs(const Kvp& kvp, GetMapRequest& map) {
    const bool v13 = map.version == WmsVersion::v1_3_0;
    auto crs = required(kvp, v13 ? "CRS" : "SRS");
    if (!crs) return tl::unexpected(crs.error());
    if (iequals_ascii(*crs, "EPSG:4326")) {
        map.crs = MapCrs::epsg4326;
    } else if (iequals_ascii(*crs, "CRS:84")) {
        map.crs = MapCrs::crs84;
    } else {
        return fail(v13 ? ExceptionCode::InvalidCRS : ExceptionCode::InvalidSRS,
                    "CRS " + std::string(*crs) + " is not supported");
    }
    return {};
}

tl::expected<void, ServiceException> parse_bbox(const Kvp& kvp, GetMapRequest& map) {
    auto text = required(kvp, "BBOX");
    if (!text) return tl::unexpected(text.error());
    const auto parts = split(*text, ',');
    double v[4] = {};
    for (std::size_t i = 0; i < 4; ++i) {
        const auto value = parts.size() == 4 ? parse_double(parts[i]) : std::nullopt;
        if (!value)
            return fail(ExceptionCode::InvalidParameterValue,
                        "BBOX must be four numbers: minx,miny,maxx,maxy");
        v[i] = *value;
    }
    if (v[0] >= v[2] || v[1] >= v[3])
        return fail(ExceptionCode::InvalidParameterValue,
                    "BBOX minimum must be less than maximum on both axes");
    // WMS 1.3.0 uses EPSG:4326's own axis order, latitude first (WMS 1.3.0 6.7.4).
    const bool lat_first = map.version == WmsVersion::v1_3_0 && map.crs == MapCrs::epsg4326;
    map.bbox = lat_first ? GeoBox{v[1], v[0], v[3], v[2]} : GeoBox{v[0], v[1], v[2], v[3]};
    return {};
}

tl::expected<unsigned, ServiceException> parse_size(const Kvp& kvp, std::string_view name,
                                                    unsigned max) {
    auto text = required(kvp, name);
    if (!text) return tl::unexpected(text.error());
    const auto value = parse_unsigned(*text);
    if (!value || *value < 1 || *value > max)
        return fail(ExceptionCode::InvalidParameterValue,
                    std::string(name) + " must be an integer from 1 to " + std::to_string(max));
    return *value;
}

tl::expected<void, ServiceException> parse_image(const Kvp& kvp, GetMapRequest& map) {
    auto format = required(kvp, "FORMAT");
    if (!format) return tl::unexpected(format.error());
    if (!iequals_ascii(*format, "image/png"))
        return fail(ExceptionCode::InvalidFormat,
                    "Format " + std::string(*format) + " is not supported; use image/png");

    const auto transparent = kvp.get("TRANSPARENT").value_or("FALSE");
    if (iequals_ascii(transparent, "TRUE")) {
        map.transparent = true;
    } else if (!iequals_ascii(transparent, "FALSE")) {
        return fail(ExceptionCode::InvalidParameterValue, "TRANSPARENT must be TRUE or FALSE");
    }

    if (const auto color = kvp.get("BGCOLOR")) {
        unsigned rgb = 0;
        const bool prefixed = color->size() == 8 && iequals_ascii(color->substr(0, 2), "0x");
        const auto digits = prefixed ? color->substr(2) : std::string_view{};
        const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), rgb, 16);
        if (!prefixed || result.ec != std::errc{} || result.ptr != digits.data() + digits.size())
            return fail(ExceptionCode::InvalidParameterValue, "BGCOLOR must be 0xRRGGBB");
        map.background = Rgb{static_cast<std::uint8_t>(rgb >> 16),
                             static_cast<std::uint8_t>(rgb >> 8), static_cast<std::uint8_t>(rgb)};
    }
    return {};
}

Result parse_get_map(const Kvp& kvp, const RequestLimits& limits) {
    GetMapRequest map;
    auto version = required(kvp, "VERSION");
    if (!version) return tl::unexpected(version.error());
    if (*version == "1.3.0") {
        map.version = WmsVersion::v1_3_0;
    } else if (*version == "1.1.1") {
        map.version = WmsVersion::v1_1_1;
    } else {
        return fail(ExceptionCode::InvalidParameterValue,
                    "VERSION " + std::string(*version) + " is not supported; use 1.3.0 or 1.1.1");
    }

    for (auto step : {parse_layers_and_styles, parse_crs, parse_bbox}) {
        if (auto ok = step(kvp, map); !ok) return tl::unexpected(ok.error());
    }
    auto width = parse_size(kvp, "WIDTH", limits.max_width);
    if (!width) return tl::unexpected(width.error());
    auto height = parse_size(kvp, "HEIGHT", limits.max_height);
    if (!height) return tl::unexpected(height.error());
    map.width = *width;
    map.height = *height;
    if (auto ok = parse_image(kvp, map); !ok) return tl::unexpected(ok.error());
    return map;
}

}  // namespace

Result parse_request(const Kvp& kvp, const RequestLimits& limits) {
    auto service = required(kvp, "SERVICE");
    if (!service) return tl::unexpected(service.error());
    if (!iequals_ascii(*service, "WMS"))
        return fail(ExceptionCode::InvalidParameterValue, "SERVICE must be WMS");

    auto request = required(kvp, "REQUEST");
    if (!request) return tl::unexpected(request.error());
    // Operation names are matched case-insensitively: clients in the wild vary.
    if (iequals_ascii(*request, "GetCapabilities")) return GetCapabilitiesRequest{};
    if (iequals_ascii(*request, "GetMap")) return parse_get_map(kvp, limits);
    return fail(ExceptionCode::OperationNotSupported,
                "Request " + std::string(*request) + " is not supported");
}

}  // namespace wmsgate::wms

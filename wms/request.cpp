#include "wms/request.hpp"

#include <algorithm>
#include <array>

#include "wms/map_request.hpp"
#include "wms/param_parsing.hpp"

namespace wmsgate::wms {
namespace {

using namespace params;
using Result = tl::expected<WmsRequest, RequestError>;

enum class Operation { capabilities, map, feature_info, legend };

// WMS 1.0 spelled the operations "capabilities", "map" and "feature_info".
std::optional<Operation> operation_of(std::string_view name) {
    if (iequals_ascii(name, "GetCapabilities") || iequals_ascii(name, "capabilities"))
        return Operation::capabilities;
    if (iequals_ascii(name, "GetMap") || iequals_ascii(name, "map")) return Operation::map;
    if (iequals_ascii(name, "GetFeatureInfo") || iequals_ascii(name, "feature_info"))
        return Operation::feature_info;
    if (iequals_ascii(name, "GetLegendGraphic")) return Operation::legend;
    return std::nullopt;
}

std::optional<std::array<unsigned, 3>> parse_version(std::string_view text) {
    std::array<unsigned, 3> parts{};
    const auto pieces = split(text, '.');
    if (pieces.size() > 3) return std::nullopt;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto value = parse_unsigned(pieces[i]);
        if (!value) return std::nullopt;
        parts[i] = *value;
    }
    return parts;
}

tl::unexpected<RequestError> refuse(WmsVersion version, ExceptionCode code, std::string message) {
    return tl::unexpected(RequestError{{code, std::move(message)}, version, {}, {}});
}

// Whether UPDATESEQUENCE names the current document depends on the client
// (each sees its own), so the handler answers that.
Result parse_capabilities(const Kvp& kvp, WmsVersion version) {
    return GetCapabilitiesRequest{version, std::string(kvp.get("UPDATESEQUENCE").value_or(""))};
}

// GetMap and GetFeatureInfo name one exact version; there is no negotiation.
tl::expected<WmsVersion, RequestError> exact_version(const Kvp& kvp, WmsVersion report) {
    const auto text = kvp.get("VERSION") ? kvp.get("VERSION") : kvp.get("WMTVER");
    if (!text || text->empty())
        return refuse(report, ExceptionCode::MissingParameterValue,
                      "Parameter VERSION is required");
    if (*text == "1.3.0") return WmsVersion::v1_3_0;
    if (*text == "1.1.1") return WmsVersion::v1_1_1;
    return refuse(report, ExceptionCode::InvalidParameterValue,
                  "VERSION " + std::string(*text) + " is not supported; use 1.3.0 or 1.1.1");
}

Result parse_get_map(const Kvp& kvp, WmsVersion report, const RequestLimits& limits) {
    const auto version = exact_version(kvp, report);
    if (!version) return tl::unexpected(version.error());
    auto map = parse_map_part(kvp, *version, limits, FormatRule::required);
    if (!map) return tl::unexpected(map.error());
    return std::move(*map);
}

std::optional<InfoFormat> info_format(std::string_view text) {
    if (iequals_ascii(text, "text/plain")) return InfoFormat::text;
    if (iequals_ascii(text, "text/html")) return InfoFormat::html;
    if (iequals_ascii(text, "application/json")) return InfoFormat::json;
    if (iequals_ascii(text, "text/xml") || iequals_ascii(text, "application/vnd.ogc.wms_xml"))
        return InfoFormat::xml;
    return std::nullopt;
}

tl::expected<void, ServiceException> parse_query(const Kvp& kvp, GetFeatureInfoRequest& info) {
    const bool v13 = info.map.version == WmsVersion::v1_3_0;
    auto layers = required(kvp, "QUERY_LAYERS");
    if (!layers) return tl::unexpected(layers.error());
    for (const auto name : split(*layers, ',')) info.query_layers.emplace_back(name);

    if (const auto text = kvp.get("INFO_FORMAT"); text && !text->empty()) {
        const auto format = info_format(*text);
        if (!format)
            return fail(ExceptionCode::InvalidFormat,
                        "INFO_FORMAT " + std::string(*text) + " is not supported");
        info.info_format = *format;
    }
    if (const auto text = kvp.get("FEATURE_COUNT"); text && !text->empty()) {
        const auto count = parse_unsigned(*text);
        if (!count || *count < 1)
            return fail(ExceptionCode::InvalidParameterValue,
                        "FEATURE_COUNT must be a positive integer");
        info.feature_count = *count;
    }
    // 1.1.1 says X/Y, 1.3.0 says I/J; clients mix them up, so either is taken.
    const char* column = v13 ? "I" : "X";
    const char* row = v13 ? "J" : "Y";
    auto i = kvp.contains(column) ? required(kvp, column) : required(kvp, v13 ? "X" : "I");
    auto j = kvp.contains(row) ? required(kvp, row) : required(kvp, v13 ? "Y" : "J");
    if (!i || !j) {
        return fail(ExceptionCode::MissingParameterValue,
                    std::string("Parameters ") + column + " and " + row + " are required");
    }
    const auto x = parse_unsigned(*i);
    const auto y = parse_unsigned(*j);
    if (!x || !y || *x >= info.map.image.width || *y >= info.map.image.height)
        return fail(ExceptionCode::InvalidPoint,
                    std::string(column) + "/" + row + " must be a pixel inside the map");
    info.i = *x;
    info.j = *y;
    return {};
}

Result parse_get_feature_info(const Kvp& kvp, WmsVersion report, const RequestLimits& limits) {
    const auto version = exact_version(kvp, report);
    if (!version) return tl::unexpected(version.error());
    auto map = parse_map_part(kvp, *version, limits, FormatRule::optional);
    if (!map) return tl::unexpected(map.error());
    GetFeatureInfoRequest info{std::move(*map), {}, 0, 0, InfoFormat::text, 1};
    if (auto ok = parse_query(kvp, info); !ok)
        return tl::unexpected(RequestError{ok.error(), *version, {}, {}});
    return info;
}

Result parse_get_legend(const Kvp& kvp, WmsVersion report, const RequestLimits& limits) {
    GetLegendGraphicRequest legend{report, {}, {}, 0, 0};
    auto layer = required(kvp, "LAYER");
    if (!layer) return tl::unexpected(RequestError{layer.error(), report, {}, {}});
    legend.layer = std::string(*layer);
    legend.style = std::string(kvp.get("STYLE").value_or(""));
    if (const auto format = kvp.get("FORMAT");
        format && !format->empty() && !iequals_ascii(*format, "image/png"))
        return refuse(report, ExceptionCode::InvalidFormat,
                      "Format " + std::string(*format) + " is not supported; use image/png");
    for (auto [name, out, max] : {std::tuple{"WIDTH", &legend.width, limits.max_width},
                                  std::tuple{"HEIGHT", &legend.height, limits.max_height}}) {
        const auto text = kvp.get(name);
        if (!text || text->empty()) continue;
        const auto value = parse_unsigned(*text);
        if (!value || *value < 1 || *value > max)
            return refuse(
                report, ExceptionCode::InvalidParameterValue,
                std::string(name) + " must be an integer from 1 to " + std::to_string(max));
        *out = *value;
    }
    return legend;
}

// SERVICE=WMS is mandatory in 1.3.0. WMS 1.0/1.1.1 clients (WMTVER, the old
// operation names, 1.1.1 GetMap) may leave it out.
bool service_may_be_absent(const Kvp& kvp, WmsVersion report, std::string_view request,
                           Operation operation) {
    if (kvp.contains("WMTVER") || operation == Operation::legend) return true;
    if (!iequals_ascii(request, "GetCapabilities") && operation == Operation::capabilities)
        return true;
    return report == WmsVersion::v1_1_1 && operation != Operation::capabilities;
}

}  // namespace

WmsVersion negotiate_version(std::optional<std::string_view> requested) {
    if (!requested || requested->empty()) return WmsVersion::v1_3_0;
    const auto parts = parse_version(*requested);
    if (!parts) return WmsVersion::v1_3_0;
    // Two versions only: anything below 1.3.0 gets the one below it (1.1.1),
    // including versions below 1.1.1, which get the lowest we have.
    return *parts >= std::array<unsigned, 3>{1, 3, 0} ? WmsVersion::v1_3_0 : WmsVersion::v1_1_1;
}

std::string_view version_string(WmsVersion version) {
    return version == WmsVersion::v1_3_0 ? "1.3.0" : "1.1.1";
}

Result parse_request(const Kvp& kvp, const RequestLimits& limits) {
    const auto version_text = kvp.get("VERSION") ? kvp.get("VERSION") : kvp.get("WMTVER");
    const WmsVersion report = negotiate_version(version_text);

    const auto request = required(kvp, "REQUEST");
    if (!request) return tl::unexpected(RequestError{request.error(), report, {}, {}});
    const auto operation = operation_of(*request);
    if (!operation)
        return refuse(report, ExceptionCode::OperationNotSupported,
                      "Request " + std::string(request->substr(0, 64)) + " is not supported");

    const auto service = kvp.get("SERVICE");
    if (service && !service->empty() && !iequals_ascii(*service, "WMS"))
        return refuse(report, ExceptionCode::InvalidParameterValue, "SERVICE must be WMS");
    if ((!service || service->empty()) && !service_may_be_absent(kvp, report, *request, *operation))
        return refuse(report, ExceptionCode::MissingParameterValue,
                      "Parameter SERVICE is required");

    switch (*operation) {
        case Operation::capabilities:
            return parse_capabilities(kvp, report);
        case Operation::map:
            return parse_get_map(kvp, report, limits);
        case Operation::feature_info:
            return parse_get_feature_info(kvp, report, limits);
        case Operation::legend:
            return parse_get_legend(kvp, report, limits);
    }
    return refuse(report, ExceptionCode::OperationNotSupported, "Request is not supported");
}

}  // namespace wmsgate::wms

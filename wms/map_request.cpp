#include "wms/map_request.hpp"

#include <algorithm>

#include "wms/param_parsing.hpp"
#include "wms/request_cost.hpp"

namespace wmsgate::wms {
namespace {

using namespace params;
using Step = tl::expected<void, ServiceException>;

// "image/png; mode=8bit" arrives with or without the space, and '+' for it.
std::string squeeze(std::string_view text) {
    std::string out;
    for (const char c : text)
        if (c != ' ') out.push_back(c);
    return to_upper_ascii(out);
}

std::optional<ImageFormat> image_format(std::string_view text) {
    const std::string format = squeeze(text);
    if (format == "IMAGE/PNG") return ImageFormat::png;
    if (format == "IMAGE/PNG;MODE=8BIT" || format == "IMAGE/PNG8") return ImageFormat::png8;
    if (format == "IMAGE/JPEG" || format == "IMAGE/JPG") return ImageFormat::jpeg;
    if (format == "IMAGE/WEBP") return ImageFormat::webp;
    return std::nullopt;
}

std::optional<ExceptionFormat> exception_format(std::string_view text) {
    const std::string value = to_upper_ascii(text);
    if (value == "XML" || value == "APPLICATION/VND.OGC.SE_XML" || value == "TEXT/XML")
        return ExceptionFormat::xml;
    if (value == "INIMAGE" || value == "APPLICATION/VND.OGC.SE_INIMAGE")
        return ExceptionFormat::inimage;
    if (value == "BLANK" || value == "APPLICATION/VND.OGC.SE_BLANK") return ExceptionFormat::blank;
    return std::nullopt;
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

Step parse_colours(const Kvp& kvp, ImageSpec& image) {
    const auto transparent = kvp.get("TRANSPARENT").value_or("FALSE");
    if (iequals_ascii(transparent, "TRUE")) {
        image.transparent = true;
    } else if (!iequals_ascii(transparent, "FALSE") && !transparent.empty()) {
        return fail(ExceptionCode::InvalidParameterValue, "TRANSPARENT must be TRUE or FALSE");
    }
    if (const auto color = kvp.get("BGCOLOR"); color && !color->empty()) {
        unsigned rgb = 0;
        const bool prefixed = color->size() == 8 && iequals_ascii(color->substr(0, 2), "0x");
        const auto digits = prefixed ? color->substr(2) : std::string_view{};
        const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), rgb, 16);
        if (!prefixed || result.ec != std::errc{} || result.ptr != digits.data() + digits.size())
            return fail(ExceptionCode::InvalidParameterValue, "BGCOLOR must be 0xRRGGBB");
        image.background = Rgb{static_cast<std::uint8_t>(rgb >> 16),
                               static_cast<std::uint8_t>(rgb >> 8), static_cast<std::uint8_t>(rgb)};
    }
    return {};
}

Step parse_image(const Kvp& kvp, const RequestLimits& limits, FormatRule rule, ImageSpec& image) {
    const auto format = kvp.get("FORMAT");
    if (rule == FormatRule::required || (format && !format->empty())) {
        auto text = required(kvp, "FORMAT");
        if (!text) return tl::unexpected(text.error());
        const auto parsed = image_format(*text);
        // GetFeatureInfo only echoes its map's FORMAT; an odd one does no harm there.
        if (!parsed && rule == FormatRule::required)
            return fail(ExceptionCode::InvalidFormat,
                        "Format " + std::string(*text) + " is not supported");
        image.format = parsed.value_or(ImageFormat::png);
    }
    auto width = parse_size(kvp, "WIDTH", limits.max_width);
    if (!width) return tl::unexpected(width.error());
    auto height = parse_size(kvp, "HEIGHT", limits.max_height);
    if (!height) return tl::unexpected(height.error());
    image.width = *width;
    image.height = *height;
    return parse_colours(kvp, image);
}

Step parse_layers_and_styles(const Kvp& kvp, const RequestLimits& limits, GetMapRequest& map) {
    auto layers = required(kvp, "LAYERS");
    if (!layers) return tl::unexpected(layers.error());
    for (const auto name : split(*layers, ',')) map.layers.emplace_back(name);
    if (limits.layer_limit != 0 && map.layers.size() > limits.layer_limit)
        return fail(ExceptionCode::InvalidParameterValue,
                    "At most " + std::to_string(limits.layer_limit) + " layers per request");

    // Absent or empty STYLES means every layer's default (as ",,," does).
    const auto styles = kvp.get("STYLES").value_or("");
    if (styles.empty()) {
        map.styles.assign(map.layers.size(), {});
        return {};
    }
    for (const auto style : split(styles, ',')) map.styles.emplace_back(style);
    if (map.styles.size() != map.layers.size())
        return fail(ExceptionCode::StyleNotDefined, "STYLES must name one style per layer");
    return {};
}

Step parse_crs_and_bbox(const Kvp& kvp, GetMapRequest& map) {
    const bool v13 = map.version == WmsVersion::v1_3_0;
    auto name = required(kvp, v13 ? "CRS" : "SRS");
    if (!name) return tl::unexpected(name.error());
    auto crs = resolve_crs(*name);
    if (!crs)
        return fail(v13 ? ExceptionCode::InvalidCRS : ExceptionCode::InvalidSRS,
                    "CRS " + std::string(*name) + " is not supported");
    map.crs = std::move(*crs);

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
    // WMS 1.3.0 writes BBOX in the CRS's own axis order (6.7.4): EPSG:4326 is
    // latitude first. 1.1.1 is always x first.
    const bool yx = v13 && map.crs.yx_in_130;
    map.bbox = yx ? MapBox{v[1], v[0], v[3], v[2]} : MapBox{v[0], v[1], v[2], v[3]};
    return {};
}

// The budget counts every layer named, duplicates included. The refusal
// comes as a picture only if that picture fits the budget on its own:
// drawing and encoding an INIMAGE answer costs its pixels too.
Step check_cost(const GetMapRequest& map, const RequestLimits& limits, RequestError& error) {
    if (limits.max_pixels == 0) return {};
    const std::uint64_t cost = map_cost(map.image.width, map.image.height, map.layers.size());
    if (cost <= limits.max_pixels) return {};
    if (map_cost(map.image.width, map.image.height, 1) > limits.max_pixels)
        error.format = ExceptionFormat::xml;
    return fail(ExceptionCode::InvalidParameterValue,
                "WIDTH x HEIGHT x layers is " + std::to_string(cost) + "; at most " +
                    std::to_string(limits.max_pixels) +
                    " per request: ask for a smaller map or fewer layers");
}

}  // namespace

tl::expected<GetMapRequest, RequestError> parse_map_part(const Kvp& kvp, WmsVersion version,
                                                         const RequestLimits& limits,
                                                         FormatRule format_rule) {
    GetMapRequest map;
    map.version = version;
    RequestError error{{}, version, ExceptionFormat::xml, {}};
    if (const auto text = kvp.get("EXCEPTIONS"); text && !text->empty()) {
        const auto format = exception_format(*text);
        if (!format) {
            error.exception = {ExceptionCode::InvalidParameterValue,
                               "EXCEPTIONS must be XML, INIMAGE or BLANK"};
            return tl::unexpected(error);
        }
        // Only a map can carry its error as a picture.
        if (format_rule == FormatRule::required) map.exceptions = *format;
    }
    if (auto ok = parse_image(kvp, limits, format_rule, map.image); !ok) {
        error.exception = ok.error();
        return tl::unexpected(error);
    }
    error.format = map.exceptions;
    error.image = map.image;
    if (auto ok = parse_layers_and_styles(kvp, limits, map); !ok) {
        error.exception = ok.error();
        return tl::unexpected(error);
    }
    if (format_rule == FormatRule::required) {
        if (auto ok = check_cost(map, limits, error); !ok) {
            error.exception = ok.error();
            return tl::unexpected(error);
        }
    }
    if (auto ok = parse_crs_and_bbox(kvp, map); !ok) {
        error.exception = ok.error();
        return tl::unexpected(error);
    }
    return map;
}

}  // namespace wmsgate::wms

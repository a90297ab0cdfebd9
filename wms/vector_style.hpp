#pragma once

// How a vector layer is drawn: colours and rules as the config gives them.
// Header-only: the config reader (and so wmsgatectl, which links no map
// code) parses colours.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wmsgate::wms {

// Straight (not premultiplied) alpha.
struct Rgba {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    std::uint8_t a = 255;
    bool operator==(const Rgba&) const = default;
};

// "#rrggbb" or "#rrggbbaa" (hex digits, either case); nullopt otherwise.
inline std::optional<Rgba> parse_colour(std::string_view text) {
    if (text.size() != 7 && text.size() != 9) return std::nullopt;
    if (text[0] != '#') return std::nullopt;
    std::uint8_t channel[4] = {0, 0, 0, 255};
    for (std::size_t i = 0; i * 2 + 1 < text.size(); ++i) {
        const char* begin = text.data() + 1 + i * 2;
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(begin, begin + 2, value, 16);
        if (ec != std::errc{} || end != begin + 2) return std::nullopt;
        channel[i] = static_cast<std::uint8_t>(value);
    }
    return Rgba{channel[0], channel[1], channel[2], channel[3]};
}

// One [[layer.rule]]: features matching `filter` are drawn with it. The
// first rule that matches a feature (and whose scale range holds the map's
// scale) draws it; a feature no rule matches is not drawn.
struct VectorRule {
    std::string filter;          // an OGR SQL WHERE expression; empty matches every feature
    std::string title;           // the legend's label; the filter (or "all") when empty
    std::optional<Rgba> fill;    // polygons and point symbols; none: not filled
    std::optional<Rgba> stroke;  // lines, polygon outlines, point outlines
    double stroke_width = 1.0;   // pixels
    double point_size = 6.0;     // pixels: the diameter of a point's disc
    // Scale denominators (OGC's 0.28 mm pixel): the rule applies when
    // min_scale <= scale < max_scale; absent bounds do not limit.
    std::optional<double> min_scale;
    std::optional<double> max_scale;

    bool applies_at(double scale) const {
        return (!min_scale || scale >= *min_scale) && (!max_scale || scale < *max_scale);
    }
};

// What a vector layer without rules is drawn with.
inline VectorRule default_vector_rule() {
    VectorRule rule;
    rule.title = "all";
    rule.fill = Rgba{0x9e, 0xb8, 0xd9, 0xb0};
    rule.stroke = Rgba{0x33, 0x4d, 0x73, 0xff};
    return rule;
}

}  // namespace wmsgate::wms

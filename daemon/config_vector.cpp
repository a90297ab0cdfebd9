#include <charconv>
#include <cmath>
#include <optional>

#include "daemon/config_tables.hpp"

namespace wmsgate::daemon::config_tables {
namespace {

// Keys only a raster is drawn with: on a vector layer they would be silently
// ignored, which hides a mistake.
constexpr std::string_view raster_keys[] = {"style", "resampling", "min", "max"};
constexpr std::string_view vector_keys[] = {"fields", "rule"};

std::string shortest(double value) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    return std::string(text, end);
}

tl::expected<std::optional<wms::Rgba>, ConfigError> colour(Section& s, std::string_view key) {
    const auto* node = s.find(key);
    if (!node) return std::optional<wms::Rgba>{};
    const auto parsed = node->is_string() ? wms::parse_colour(node->as_string()->get())
                                          : std::optional<wms::Rgba>{};
    if (!parsed)
        return Error(s.error(*node, key, "expected a colour \"#rrggbb\" or \"#rrggbbaa\""));
    return parsed;
}

// A finite number in [min, max] (`above_min`: strictly above min).
tl::expected<std::optional<double>, ConfigError> bounded(Section& s, std::string_view key,
                                                         double min, double max, bool above_min) {
    const auto* node = s.find(key);
    if (!node) return std::optional<double>{};
    const double value = node->is_number() ? node->value<double>().value_or(NAN) : NAN;
    if (!std::isfinite(value) || value < min || (above_min && value == min) || value > max) {
        const std::string range =
            (above_min ? "above " : "from ") + shortest(min) + " to " + shortest(max);
        return Error(s.error(*node, key, "expected a number " + range));
    }
    return std::optional<double>(value);
}

tl::expected<wms::VectorRule, ConfigError> read_rule(Section s) {
    wms::VectorRule rule;
    TRY_ASSIGN(rule.filter, s.string("filter", ""));
    TRY_ASSIGN(rule.title, s.string("title", rule.filter.empty() ? "all" : rule.filter));
    TRY_ASSIGN(rule.fill, colour(s, "fill"));
    TRY_ASSIGN(rule.stroke, colour(s, "stroke"));
    std::optional<double> number;
    TRY_ASSIGN(number, bounded(s, "stroke_width", 0, 100, true));
    rule.stroke_width = number.value_or(rule.stroke_width);
    TRY_ASSIGN(number, bounded(s, "point_size", 0, 200, true));
    rule.point_size = number.value_or(rule.point_size);
    TRY_ASSIGN(rule.min_scale, bounded(s, "min_scale", 0, 1e12, false));
    TRY_ASSIGN(rule.max_scale, bounded(s, "max_scale", 0, 1e12, false));
    if (rule.min_scale && rule.max_scale && *rule.min_scale >= *rule.max_scale) {
        return Error(s.error(*s.find("max_scale"), "max_scale",
                             "expected max_scale greater than min_scale"));
    }
    if (!rule.fill && !rule.stroke) {
        return Error(s.error(s.table(), "fill",
                             "expected fill or stroke (a rule with neither draws nothing)"));
    }
    if (auto ok = s.reject_unknown_keys(); !ok) return Error(ok.error());
    return rule;
}

tl::expected<void, ConfigError> read_rules(Section& s, wms::LayerConfig& layer) {
    const auto* node = s.find("rule");
    if (!node) return {};
    const auto* array = node->as_array();
    if (!array || !array->is_array_of_tables())
        return Error(s.error(*node, "rule", "expected [[layer.rule]] tables"));
    for (const auto& item : *array) {
        auto rule = read_rule(Section(s.file(), *item.as_table(), "layer.rule."));
        if (!rule) return Error(rule.error());
        layer.rules.push_back(std::move(*rule));
    }
    return {};
}

}  // namespace

tl::expected<void, ConfigError> read_vector_keys(Section& s, wms::LayerConfig& layer) {
    TRY_ASSIGN(layer.source_layer, s.string("source_layer", ""));
    if (!layer.is_vector()) {
        for (const auto key : vector_keys) {
            if (const auto* node = s.table().get(key)) {
                return Error(s.error(*node, key,
                                     "applies to vector layers only (set source_layer to the OGR "
                                     "layer inside source)"));
            }
        }
        return {};
    }
    for (const auto key : raster_keys) {
        if (const auto* node = s.table().get(key))
            return Error(
                s.error(*node, key, "applies to raster layers only, not to a vector layer"));
    }
    TRY_ASSIGN(layer.fields, s.strings("fields"));
    return read_rules(s, layer);
}

}  // namespace wmsgate::daemon::config_tables

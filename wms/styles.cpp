#include "wms/styles.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace wmsgate::wms {
namespace {

constexpr RampKind all_ramps[] = {RampKind::grey, RampKind::elevation, RampKind::viridis};

struct Stop {
    double at;
    Rgb colour;
};

// Linear interpolation between stops, sampled at N points.
template <std::size_t N>
std::array<Rgb, N> sample(const std::vector<Stop>& s) {
    std::array<Rgb, N> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double t = static_cast<double>(i) / static_cast<double>(N - 1);
        std::size_t k = 0;
        while (k + 2 < s.size() && t > s[k + 1].at) ++k;
        const double f = std::clamp((t - s[k].at) / (s[k + 1].at - s[k].at), 0.0, 1.0);
        const auto mix = [&](std::uint8_t a, std::uint8_t b) {
            return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
        };
        out[i] = {mix(s[k].colour.r, s[k + 1].colour.r), mix(s[k].colour.g, s[k + 1].colour.g),
                  mix(s[k].colour.b, s[k + 1].colour.b)};
    }
    return out;
}

const std::vector<Stop>& ramp_stops(RampKind ramp) {
    // Elevation: sea-level green through tan and brown to snow. Viridis: the
    // perceptually uniform matplotlib map, approximated by nine of its stops.
    static const std::vector<Stop> grey = {{0, {0, 0, 0}}, {1, {255, 255, 255}}};
    static const std::vector<Stop> elevation = {
        {0.0, {0, 97, 71}},   {0.15, {16, 122, 47}},   {0.3, {232, 215, 125}}, {0.5, {161, 67, 0}},
        {0.7, {130, 30, 30}}, {0.85, {161, 161, 161}}, {1.0, {255, 255, 255}}};
    static const std::vector<Stop> viridis = {
        {0.0, {68, 1, 84}},      {0.125, {71, 44, 122}},  {0.25, {59, 81, 139}},
        {0.375, {44, 113, 142}}, {0.5, {33, 144, 141}},   {0.625, {39, 173, 129}},
        {0.75, {92, 200, 99}},   {0.875, {170, 220, 50}}, {1.0, {253, 231, 37}}};
    switch (ramp) {
        case RampKind::grey:
            return grey;
        case RampKind::elevation:
            return elevation;
        case RampKind::viridis:
            return viridis;
    }
    return grey;
}

template <std::size_t N>
const std::array<Rgb, N>& sampled(RampKind ramp) {
    static const std::array<std::array<Rgb, N>, 3> ramps = {
        sample<N>(ramp_stops(RampKind::grey)), sample<N>(ramp_stops(RampKind::elevation)),
        sample<N>(ramp_stops(RampKind::viridis))};
    return ramps[static_cast<std::size_t>(ramp)];
}

}  // namespace

std::string_view ramp_name(RampKind ramp) {
    switch (ramp) {
        case RampKind::grey:
            return "grey";
        case RampKind::elevation:
            return "elevation";
        case RampKind::viridis:
            return "viridis";
    }
    return "grey";
}

std::vector<std::string> style_names(const LayerInfo& layer) {
    if (!layer.single_band) return {"default"};
    std::vector<std::string> names{std::string(ramp_name(layer.default_style))};
    for (const RampKind ramp : all_ramps)
        if (ramp != layer.default_style) names.emplace_back(ramp_name(ramp));
    return names;
}

Paint finite_paint(Paint paint) {
    if (std::isfinite(paint.min) && std::isfinite(paint.max) && paint.max > paint.min) return paint;
    // Config validation refuses such bounds, so they come from a raster's own
    // statistics: the default byte range is as good a guess as any.
    const Paint fallback;
    paint.min = fallback.min;
    paint.max = fallback.max;
    return paint;
}

std::optional<Paint> resolve_style(const LayerInfo& layer, std::string_view style) {
    const bool is_default = style.empty() || style == "default";
    if (!layer.single_band) {
        if (!is_default) return std::nullopt;
        return finite_paint(Paint{true, RampKind::grey, layer.min, layer.max, layer.byte_data});
    }
    for (const RampKind ramp : all_ramps) {
        if ((is_default && ramp == layer.default_style) || style == ramp_name(ramp))
            return finite_paint(Paint{false, ramp, layer.min, layer.max, layer.byte_data});
    }
    return std::nullopt;
}

const std::array<Rgb, 256>& ramp_colours(RampKind ramp) {
    return sampled<256>(ramp);
}

const std::array<Rgb, ramp_lut_size>& ramp_lut(RampKind ramp) {
    return sampled<ramp_lut_size>(ramp);
}

}  // namespace wmsgate::wms

#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wms/layer_catalog.hpp"
#include "wms/request.hpp"

namespace wmsgate::wms {

// How one layer is drawn: RGB(A) as it is, or band 1 through a ramp.
struct Paint {
    bool as_is = true;
    RampKind ramp = RampKind::grey;
    double min = 0;  // value drawn with the ramp's first colour
    double max = 255;
    bool byte_data = true;
};

std::string_view ramp_name(RampKind ramp);

// Where `value` lies between paint.min (0) and paint.max (1), clamped to [0, 1];
// ±inf go to the ends. nullopt for NaN, which is drawn as no data: std::clamp
// passes NaN through, and NaN turned into a colour-table index is undefined
// behaviour (it crashed the daemon). Inline: it runs once per map pixel.
inline std::optional<double> ramp_fraction(const Paint& paint, double value) {
    if (std::isnan(value)) return std::nullopt;
    if (std::isinf(value)) return value > 0 ? 1.0 : 0.0;
    const double range = paint.max > paint.min ? paint.max - paint.min : 1.0;
    const double t = (value - paint.min) / range;
    // inf/inf when min and max are finite but further apart than a double holds.
    if (std::isnan(t)) return value >= paint.max ? 1.0 : 0.0;
    return std::clamp(t, 0.0, 1.0);
}

// A paint whose min and max are finite with min < max, whatever the layer
// says: a float raster holding ±inf or NaN gives GDAL statistics to match.
Paint finite_paint(Paint paint);

// The layer's style names, its default first. RGB layers have only "default".
std::vector<std::string> style_names(const LayerInfo& layer);

// The paint for a STYLES/STYLE entry: empty or "default" is the layer's
// default. nullopt: the layer has no such style.
std::optional<Paint> resolve_style(const LayerInfo& layer, std::string_view style);

// 256 colours from the ramp's low end to its high end (legends).
const std::array<Rgb, 256>& ramp_colours(RampKind ramp);

// The same ramp finely sampled, for maps: with 256 steps a smooth surface
// such as a DEM shows bands.
inline constexpr std::size_t ramp_lut_size = 4096;
const std::array<Rgb, ramp_lut_size>& ramp_lut(RampKind ramp);

}  // namespace wmsgate::wms

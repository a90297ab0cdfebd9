#pragma once

// How a layer's pixels are sampled onto a map, chosen per layer.

#include <optional>
#include <string_view>

namespace wmsgate::wms {

enum class Resampling {
    nearest,   // the source pixel under the map pixel's centre: fastest, blocky when enlarged
    bilinear,  // the four around it, weighted by distance (the default)
    cubic,     // the sixteen around it, Keys' cubic convolution (a = -0.5), as gdalwarp -r cubic
};

// The config's and gdalwarp's names: "nearest" (or "near"), "bilinear", "cubic".
std::optional<Resampling> parse_resampling(std::string_view name);
std::string_view resampling_name(Resampling resampling);

}  // namespace wmsgate::wms

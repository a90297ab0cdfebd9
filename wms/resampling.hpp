#pragma once

// How a layer's pixels are sampled onto a map, chosen per layer. Header-only:
// the config reader (and so wmsgatectl, which links no map code) parses it.

#include <optional>
#include <string_view>

namespace wmsgate::wms {

enum class Resampling {
    nearest,   // the source pixel under the map pixel's centre: fastest, blocky when enlarged
    bilinear,  // the four around it, weighted by distance (the default)
    cubic,     // the sixteen around it, Keys' cubic convolution (a = -0.5), as gdalwarp -r cubic
};

// The config's and gdalwarp's names: "nearest" (or "near"), "bilinear", "cubic".
inline std::optional<Resampling> parse_resampling(std::string_view name) {
    if (name == "nearest" || name == "near") return Resampling::nearest;
    if (name == "bilinear") return Resampling::bilinear;
    if (name == "cubic") return Resampling::cubic;
    return std::nullopt;
}

inline std::string_view resampling_name(Resampling resampling) {
    switch (resampling) {
        case Resampling::nearest:
            return "nearest";
        case Resampling::bilinear:
            return "bilinear";
        case Resampling::cubic:
            return "cubic";
    }
    return "bilinear";
}

}  // namespace wmsgate::wms

#include "wms/resampling.hpp"

namespace wmsgate::wms {

std::optional<Resampling> parse_resampling(std::string_view name) {
    if (name == "nearest" || name == "near") return Resampling::nearest;
    if (name == "bilinear") return Resampling::bilinear;
    if (name == "cubic") return Resampling::cubic;
    return std::nullopt;
}

std::string_view resampling_name(Resampling resampling) {
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

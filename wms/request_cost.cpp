#include "wms/request_cost.hpp"

#include <algorithm>

#include "wms/kvp.hpp"
#include "wms/param_parsing.hpp"

namespace wmsgate::wms {

std::uint64_t map_cost(unsigned width, unsigned height, std::size_t layers) {
    return std::uint64_t{width} * height * std::max<std::size_t>(1, layers);
}

std::uint64_t request_cost(std::string_view target, unsigned max_width, unsigned max_height) {
    const std::size_t question = target.find('?');
    if (question == std::string_view::npos) return minimum_cost;
    const auto kvp = Kvp::parse(target.substr(question + 1));
    if (!kvp) return minimum_cost;
    const auto dimension = [&](std::string_view name, unsigned max) {
        const auto value = params::parse_unsigned(kvp->get(name).value_or(""));
        return std::clamp(value.value_or(1u), 1u, std::max(1u, max));
    };
    const auto layers = kvp->get("LAYERS") ? kvp->get("LAYERS") : kvp->get("LAYER");
    const std::size_t count =
        layers ? static_cast<std::size_t>(std::count(layers->begin(), layers->end(), ',')) + 1 : 1;
    return std::max(minimum_cost, map_cost(dimension("WIDTH", max_width),
                                           dimension("HEIGHT", max_height), count));
}

std::string request_name(std::string_view target) {
    const std::size_t question = target.find('?');
    const std::string_view path = target.substr(0, std::min<std::size_t>(question, 64));
    if (question == std::string_view::npos) return std::string(path);
    const auto kvp = Kvp::parse(target.substr(question + 1));
    const auto name = kvp ? kvp->get("REQUEST") : std::nullopt;
    if (!name || name->empty()) return std::string(path);
    return std::string(name->substr(0, 64));
}

}  // namespace wmsgate::wms

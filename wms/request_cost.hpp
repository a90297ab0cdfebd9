#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wmsgate::wms {

// What a request costs to answer, in pixel-layers: every pixel of every
// layer named, duplicates included (a layer named twice is drawn twice).
// A map with no layer that can be drawn still costs its picture, since an
// exception or blank image of that size is made and encoded anyway.
std::uint64_t map_cost(unsigned width, unsigned height, std::size_t layers);

// The smallest cost of any request: what a 256x256 tile of one layer costs,
// so that cheap requests (capabilities, refusals) are not free to flood.
inline constexpr std::uint64_t minimum_cost = std::uint64_t{256} * 256;

// The cost of the request `target` ("/wms?..."), estimated before it is
// validated, for the render queue's fairness: a GetMap, GetFeatureInfo or
// GetLegendGraphic costs its WIDTH x HEIGHT x layers named, anything else
// minimum_cost. Values beyond the limits are clamped to them; the handler
// refuses such requests anyway, cheaply.
std::uint64_t request_cost(std::string_view target, unsigned max_width, unsigned max_height);

// For the access line of a request that gets no WMS answer (dropped,
// refused for a full queue): its REQUEST value, at most 64 characters, or
// its path when it has none.
std::string request_name(std::string_view target);

}  // namespace wmsgate::wms

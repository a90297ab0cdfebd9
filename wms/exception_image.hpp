#pragma once

#include <string_view>

#include "wms/request.hpp"
#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

// EXCEPTIONS=BLANK: the requested picture with nothing on it (transparent or
// BGCOLOR). INIMAGE: the same with the message written in it, wrapped to the
// width, so that a map client shows the error where the map would be.
RgbaImage blank_image(const ImageSpec& spec);
RgbaImage message_image(const ImageSpec& spec, std::string_view message);

}  // namespace wmsgate::wms

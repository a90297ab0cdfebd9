#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

enum class PngAlpha { keep, drop };

// Encodes the image as PNG bytes (RGBA, or RGB when the alpha is dropped
// because the map is opaque).
tl::expected<std::string, std::error_code> encode_png(const RgbaImage& image, PngAlpha alpha);

}  // namespace wmsgate::wms

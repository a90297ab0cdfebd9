#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

// Encodes the image as a baseline JFIF JPEG of the given quality (1..100),
// ignoring alpha. Straight from the RGBA rows through libjpeg-turbo: going
// through GDAL's JPEG driver meant a MEM dataset, a copy per band and a
// /vsimem/ file for every map.
tl::expected<std::string, std::error_code> encode_jpeg(const RgbaImage& image, int quality);

}  // namespace wmsgate::wms

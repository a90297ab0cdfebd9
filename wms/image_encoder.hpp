#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/request.hpp"
#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

struct EncodeSettings {
    int png_level = 2;      // as ServiceConfig::png_compression
    int jpeg_quality = 75;  // also lossy WebP's quality
};

// Whether the format can carry TRANSPARENT=TRUE (JPEG cannot).
bool supports_alpha(ImageFormat format);
std::string_view content_type(ImageFormat format);

// Encodes a rendered map; `transparent` keeps the alpha channel where the
// format has one.
tl::expected<std::string, std::error_code> encode_image(const RgbaImage& image, ImageFormat format,
                                                        bool transparent,
                                                        const EncodeSettings& settings);

}  // namespace wmsgate::wms

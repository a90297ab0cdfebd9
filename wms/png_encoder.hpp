#pragma once

#include <string>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

enum class PngAlpha { keep, drop };
enum class PngColours { truecolour, palette };

struct PngOptions {
    PngAlpha alpha = PngAlpha::keep;
    // palette: 8-bit indexed ("image/png; mode=8bit"), exact when the image
    // has at most 256 colours, else a fixed colour cube.
    PngColours colours = PngColours::truecolour;
    int level = 6;  // zlib level 1..12 (libdeflate)
};

// Encodes the image as PNG bytes (RGBA, or RGB when the alpha is dropped
// because the map is opaque). RGB(A) rows are unfiltered or all use the Up
// filter, whichever codes a sample of the image smaller; palette rows are
// unfiltered.
tl::expected<std::string, std::error_code> encode_png(const RgbaImage& image,
                                                      const PngOptions& options);

inline tl::expected<std::string, std::error_code> encode_png(const RgbaImage& image,
                                                             PngAlpha alpha) {
    return encode_png(image, PngOptions{alpha, PngColours::truecolour, 6});
}

}  // namespace wmsgate::wms

#include "wms/rgba_image.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace wmsgate::wms {

RgbaImage RgbaImage::filled(unsigned width, unsigned height, Rgb color, std::uint8_t alpha) {
    RgbaImage image{width, height, {}};
    image.pixels.resize(static_cast<std::size_t>(width) * height * 4);
    if (image.pixels.empty()) return image;
    std::uint8_t* data = image.pixels.data();
    const std::uint8_t pixel[4] = {color.r, color.g, color.b, alpha};
    std::memcpy(data, pixel, 4);
    // Doubling copies: a map is megabytes, and memcpy beats a byte loop.
    for (std::size_t done = 4; done < image.pixels.size(); done *= 2)
        std::memcpy(data + done, data, std::min(done, image.pixels.size() - done));
    return image;
}

void blend_over_partial(std::uint8_t* dst, const std::uint8_t* src) {
    // Straight alpha: out_a = sa + da(1 - sa); out_c = (sc sa + dc da (1 - sa)) / out_a.
    const double a_src = src[3] / 255.0;
    const double a_dst = dst[3] / 255.0 * (1.0 - a_src);
    const double a_out = a_src + a_dst;
    for (int c = 0; c < 3; ++c) {
        const double value = (src[c] * a_src + dst[c] * a_dst) / a_out;
        dst[c] = static_cast<std::uint8_t>(std::lround(value));
    }
    dst[3] = static_cast<std::uint8_t>(std::lround(a_out * 255.0));
}

void composite_over(RgbaImage& bottom, const RgbaImage& top, unsigned row) {
    if (bottom.width != top.width || row >= bottom.height) return;
    const std::size_t offset = std::size_t{row} * bottom.width * 4;
    const std::size_t length = std::min(top.pixels.size(), bottom.pixels.size() - offset);
    std::uint8_t* dst = bottom.pixels.data() + offset;
    for (std::size_t i = 0; i + 3 < length; i += 4) blend_over(dst + i, top.pixels.data() + i);
}

}  // namespace wmsgate::wms

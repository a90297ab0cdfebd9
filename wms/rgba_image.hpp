#pragma once

#include <cstdint>
#include <vector>

#include "wms/request.hpp"

namespace wmsgate::wms {

// 8-bit RGBA pixels, row-major, pixel-interleaved, straight (not
// premultiplied) alpha: the layout the PNG encoder takes.
struct RgbaImage {
    unsigned width = 0;
    unsigned height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 4

    static RgbaImage filled(unsigned width, unsigned height, Rgb color, std::uint8_t alpha);
};

// Porter-Duff "source over" of one straight-alpha pixel onto another; the
// opaque and the clear case, by far the most common, inline.
void blend_over_partial(std::uint8_t* bottom, const std::uint8_t* top);
inline void blend_over(std::uint8_t* bottom, const std::uint8_t* top) {
    if (top[3] == 255) {
        bottom[0] = top[0];
        bottom[1] = top[1];
        bottom[2] = top[2];
        bottom[3] = 255;
    } else if (top[3] != 0) {
        blend_over_partial(bottom, top);
    }
}

// Porter-Duff "source over": draws `top` onto `bottom`, `top`'s first row
// on `bottom`'s row `row` (a strip of a layer). Both are equally wide.
void composite_over(RgbaImage& bottom, const RgbaImage& top, unsigned row = 0);

}  // namespace wmsgate::wms

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

// Porter-Duff "source over": draws `top` onto `bottom`, `top`'s first row
// on `bottom`'s row `row` (a strip of a layer). Both are equally wide.
void composite_over(RgbaImage& bottom, const RgbaImage& top, unsigned row = 0);

}  // namespace wmsgate::wms

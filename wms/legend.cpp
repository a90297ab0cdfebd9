#include "wms/legend.hpp"

#include "wms/png_encoder.hpp"
#include "wms/rgba_image.hpp"

namespace wmsgate::wms {

LegendSize natural_legend_size(const Paint& paint) {
    return paint.as_is ? LegendSize{20, 20} : LegendSize{20, 128};
}

tl::expected<std::string, std::error_code> legend_png(const Paint& paint, LegendSize size) {
    const LegendSize natural = natural_legend_size(paint);
    const unsigned w = size.width != 0 ? size.width : natural.width;
    const unsigned h = size.height != 0 ? size.height : natural.height;
    RgbaImage image = RgbaImage::filled(w, h, Rgb{160, 160, 160}, 255);
    if (!paint.as_is) {
        const auto& colours = ramp_colours(paint.ramp);
        for (unsigned y = 0; y < h; ++y) {
            // Row 0 is the top, the ramp's high end.
            const unsigned level = h > 1 ? 255 - y * 255 / (h - 1) : 255;
            const Rgb c = colours[level];
            for (unsigned x = 0; x < w; ++x) {
                std::uint8_t* p = &image.pixels[(std::size_t{y} * w + x) * 4];
                p[0] = c.r, p[1] = c.g, p[2] = c.b;
            }
        }
    }
    return encode_png(image, PngAlpha::drop);
}

}  // namespace wmsgate::wms

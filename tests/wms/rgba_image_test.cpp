#include "wms/rgba_image.hpp"

#include <gtest/gtest.h>

namespace wmsgate::wms {
namespace {

TEST(CompositeOver, OpaqueReplacesTransparentKeeps) {
    RgbaImage bottom = RgbaImage::filled(2, 1, Rgb{10, 20, 30}, 255);
    RgbaImage top = RgbaImage::filled(2, 1, Rgb{200, 100, 50}, 255);
    top.pixels[7] = 0;  // second pixel fully transparent
    composite_over(bottom, top);
    EXPECT_EQ(std::vector<std::uint8_t>(bottom.pixels.begin(), bottom.pixels.begin() + 4),
              (std::vector<std::uint8_t>{200, 100, 50, 255}));
    EXPECT_EQ(std::vector<std::uint8_t>(bottom.pixels.begin() + 4, bottom.pixels.end()),
              (std::vector<std::uint8_t>{10, 20, 30, 255}));
}

TEST(CompositeOver, HalfAlphaBlends) {
    RgbaImage bottom = RgbaImage::filled(1, 1, Rgb{0, 0, 0}, 255);
    RgbaImage top = RgbaImage::filled(1, 1, Rgb{255, 255, 255}, 128);
    composite_over(bottom, top);
    EXPECT_NEAR(bottom.pixels[0], 128, 1);
    EXPECT_EQ(bottom.pixels[3], 255);
}

TEST(CompositeOver, OntoTransparentKeepsColour) {
    RgbaImage bottom = RgbaImage::filled(1, 1, Rgb{0, 0, 0}, 0);
    RgbaImage top = RgbaImage::filled(1, 1, Rgb{40, 80, 120}, 100);
    composite_over(bottom, top);
    EXPECT_EQ(bottom.pixels, (std::vector<std::uint8_t>{40, 80, 120, 100}));
}

}  // namespace
}  // namespace wmsgate::wms

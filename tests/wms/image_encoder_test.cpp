// Encoders on their own, decoded again with GDAL (an independent decoder).
#include "wms/image_encoder.hpp"

#include <gdal.h>
#include <gtest/gtest.h>

#include "tests/wms/test_datasets.hpp"
#include "wms/jpeg_encoder.hpp"

namespace wmsgate::wms {
namespace {

// 32x16: red in the west half, blue in the east half; alpha 0 in the east
// half too, which JPEG must ignore.
RgbaImage two_colours() {
    RgbaImage image = RgbaImage::filled(32, 16, Rgb{255, 0, 0}, 255);
    for (unsigned y = 0; y < 16; ++y)
        for (unsigned x = 16; x < 32; ++x) {
            std::uint8_t* p = &image.pixels[(y * 32 + x) * 4];
            p[0] = 0;
            p[1] = 0;
            p[2] = 255;
            p[3] = 0;
        }
    return image;
}

TEST(JpegEncoder, DecodesToTheSameColours) {
    const auto bytes = encode_jpeg(two_colours(), 90);
    ASSERT_TRUE(bytes);
    ASSERT_EQ(bytes->rfind("\xFF\xD8\xFF", 0), 0u);
    GDALAllRegister();
    const auto image = test::decode_png(*bytes);  // GDAL decodes any format it knows
    ASSERT_EQ(image.width, 32);
    ASSERT_EQ(image.height, 16);
    ASSERT_EQ(image.bands, 3);
    // Lossy, and chroma is subsampled: near, and away from the edge.
    EXPECT_NEAR(image.at(4, 8, 0), 255, 12);
    EXPECT_NEAR(image.at(4, 8, 2), 0, 12);
    EXPECT_NEAR(image.at(27, 8, 0), 0, 12);
    EXPECT_NEAR(image.at(27, 8, 2), 255, 12);
}

TEST(JpegEncoder, QualityChangesTheSize) {
    RgbaImage image = RgbaImage::filled(64, 64, Rgb{0, 0, 0}, 255);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        if (i % 4 != 3) image.pixels[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 24);
    const auto low = encode_jpeg(image, 20);
    const auto high = encode_jpeg(image, 95);
    ASSERT_TRUE(low);
    ASSERT_TRUE(high);
    EXPECT_LT(low->size() * 2, high->size());
}

TEST(JpegEncoder, RefusesAnEmptyImage) {
    EXPECT_FALSE(encode_jpeg(RgbaImage{}, 75));
    EXPECT_FALSE(encode_image(RgbaImage{}, ImageFormat::jpeg, false, {}));
}

}  // namespace
}  // namespace wmsgate::wms

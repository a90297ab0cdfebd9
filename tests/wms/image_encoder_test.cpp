// Encoders on their own, decoded again with GDAL (an independent decoder).
#include "wms/image_encoder.hpp"

#include <cpl_conv.h>
#include <gdal.h>
#include <gtest/gtest.h>

#include <random>

#include "tests/wms/test_datasets.hpp"
#include "wms/jpeg_encoder.hpp"
#include "wms/png_encoder.hpp"

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

// The filter byte of every row, read back from the PNG's IDAT chunks with
// GDAL's inflate (independent of the encoder's libdeflate).
std::vector<int> png_row_filters(const std::string& png, std::size_t row_bytes, unsigned height) {
    std::string idat;
    for (std::size_t at = 8; at + 12 <= png.size();) {
        const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(png[i]); };
        const std::size_t length = (std::size_t{byte(at)} << 24) | (byte(at + 1) << 16) |
                                   (byte(at + 2) << 8) | byte(at + 3);
        if (png.compare(at + 4, 4, "IDAT") == 0) idat += png.substr(at + 8, length);
        at += 12 + length;
    }
    std::vector<std::uint8_t> raw((row_bytes + 1) * height);
    std::size_t inflated = 0;
    if (CPLZLibInflate(idat.data(), idat.size(), raw.data(), raw.size(), &inflated) == nullptr ||
        inflated != raw.size())
        return {};
    std::vector<int> filters;
    for (unsigned y = 0; y < height; ++y) filters.push_back(raw[y * (row_bytes + 1)]);
    return filters;
}

void expect_decodes_to(const std::string& png, const RgbaImage& image, int bands) {
    GDALAllRegister();
    const auto decoded = test::decode_png(png);
    ASSERT_EQ(decoded.width, static_cast<int>(image.width));
    ASSERT_EQ(decoded.height, static_cast<int>(image.height));
    ASSERT_EQ(decoded.bands, bands);
    for (unsigned y = 0; y < image.height; ++y)
        for (unsigned x = 0; x < image.width; ++x)
            for (int band = 0; band < bands; ++band)
                ASSERT_EQ(decoded.at(static_cast<int>(x), static_cast<int>(y), band),
                          image.pixels[(y * image.width + x) * 4 + band])
                    << x << "," << y << " band " << band;
}

// A photograph's rows: each the one above plus a little noise.
RgbaImage photo_like(unsigned width, unsigned height, std::uint8_t alpha) {
    std::mt19937 random(7);
    RgbaImage image = RgbaImage::filled(width, height, Rgb{0, 0, 0}, alpha);
    for (unsigned y = 0; y < height; ++y)
        for (unsigned i = 0; i < width * 4; ++i) {
            if (i % 4 == 3) continue;
            const int above =
                y == 0 ? static_cast<int>(random() % 256) : image.pixels[(y - 1) * width * 4 + i];
            image.pixels[y * width * 4 + i] =
                static_cast<std::uint8_t>(above + static_cast<int>(random() % 5) - 2);
        }
    return image;
}

TEST(PngEncoder, PhotographsUseTheUpFilterAndDecodeExactly) {
    const RgbaImage image = photo_like(256, 64, 255);
    const auto png = encode_png(image, {PngAlpha::drop, PngColours::truecolour, 2});
    ASSERT_TRUE(png);
    expect_decodes_to(*png, image, 3);
    const auto filters = png_row_filters(*png, 256 * 3, 64);
    ASSERT_EQ(filters.size(), 64u);
    EXPECT_EQ(filters[0], 0);  // nothing above the first row
    for (unsigned y = 1; y < 64; ++y) EXPECT_EQ(filters[y], 2) << "row " << y;
}

TEST(PngEncoder, UpFilterWrapsAroundInRgba) {
    RgbaImage image = photo_like(97, 40, 0);
    for (std::size_t i = 3; i < image.pixels.size(); i += 4)
        image.pixels[i] = static_cast<std::uint8_t>(i * 31);  // alpha too goes through the filter
    const auto png = encode_png(image, {PngAlpha::keep, PngColours::truecolour, 6});
    ASSERT_TRUE(png);
    expect_decodes_to(*png, image, 4);
    const auto filters = png_row_filters(*png, 97 * 4, 40);
    ASSERT_EQ(filters.size(), 40u);
    EXPECT_EQ(filters[1], 2);
}

// Rows repeating a few patterns, as in a colour ramp's or a classified map's:
// unfiltered, each row repeats an earlier one; their differences do not.
TEST(PngEncoder, RepeatingRowsStayUnfiltered) {
    std::mt19937 random(11);
    RgbaImage image = RgbaImage::filled(256, 64, Rgb{0, 0, 0}, 255);
    std::vector<std::vector<std::uint8_t>> patterns(4, std::vector<std::uint8_t>(256 * 4));
    for (auto& pattern : patterns)
        for (auto& value : pattern) value = static_cast<std::uint8_t>(random());
    for (unsigned y = 0; y < 64; ++y) {
        const auto& pattern = patterns[random() % 4];
        for (unsigned i = 0; i < 256 * 4; ++i)
            image.pixels[y * 256 * 4 + i] = i % 4 == 3 ? 255 : pattern[i];
    }
    const auto png = encode_png(image, {PngAlpha::drop, PngColours::truecolour, 2});
    ASSERT_TRUE(png);
    expect_decodes_to(*png, image, 3);
    const auto filters = png_row_filters(*png, 256 * 3, 64);
    ASSERT_EQ(filters.size(), 64u);
    for (unsigned y = 0; y < 64; ++y) EXPECT_EQ(filters[y], 0) << "row " << y;
}

// Rows that climb steadily from left to right, each from its own start and
// at its own slope, as a smooth ramp across a map does: minus the pixel to
// the left each row is one repeated number, so Sub wins, from the first row
// on. The values wrap past 255 (modulo 256, as PNG's filters do).
TEST(PngEncoder, RampsAcrossEachRowUseTheSubFilterAndDecodeExactly) {
    std::mt19937 random(5);
    RgbaImage image = RgbaImage::filled(200, 48, Rgb{0, 0, 0}, 255);
    for (unsigned y = 0; y < 48; ++y) {
        const unsigned start = random() % 256, slope = 1 + random() % 7;
        for (unsigned x = 0; x < 200; ++x)
            for (unsigned band = 0; band < 3; ++band)
                image.pixels[(y * 200 + x) * 4 + band] =
                    static_cast<std::uint8_t>(start + band * 40 + x * slope);
    }
    const auto png = encode_png(image, {PngAlpha::drop, PngColours::truecolour, 1});
    ASSERT_TRUE(png);
    expect_decodes_to(*png, image, 3);
    EXPECT_EQ(png_row_filters(*png, 200 * 3, 48), std::vector<int>(48, 1));
}

TEST(PngEncoder, OneRowAndPaletteImagesAreUnfiltered) {
    const RgbaImage row = photo_like(300, 1, 255);
    const auto one_row = encode_png(row, {PngAlpha::drop, PngColours::truecolour, 2});
    ASSERT_TRUE(one_row);
    expect_decodes_to(*one_row, row, 3);
    EXPECT_EQ(png_row_filters(*one_row, 300 * 3, 1), std::vector<int>{0});

    const auto palette = encode_png(two_colours(), {PngAlpha::keep, PngColours::palette, 2});
    ASSERT_TRUE(palette);
    EXPECT_EQ(png_row_filters(*palette, 32, 16), std::vector<int>(16, 0));
}

}  // namespace
}  // namespace wmsgate::wms

// The renderer places and resamples pixels itself (GDALWarp cost several
// times more per map, see bench/wms/README.md), so GDAL's own warper is its
// reference: for the same request and kernel (nearest, bilinear, cubic),
// gdalwarp's output (-r of the same name, the kernel's classic footprint
// unscaled, the approximate transformer at 1/8 pixel) and ours must agree
// pixel by pixel within a small tolerance, same CRS or not, shrinking or
// enlarging, at full resolution or from an overview.
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/wms/test_datasets.hpp"
#include "wms/renderer.hpp"

namespace wmsgate::wms {
namespace {

using test::TempDir;

// 1024x1024 RGB in EPSG:3857 over central Europe, tiled, with overviews:
// smooth gradients plus waves, so bilinear results differ measurably when
// the sample positions are wrong but not because of aliasing.
std::string write_smooth_ortho(const TempDir& dir) {
    GDALAllRegister();
    const std::string path = dir.file("ortho3857.tif");
    const char* options[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", nullptr};
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr dataset(
        gtiff->Create(path.c_str(), 1024, 1024, 3, GDT_Byte, const_cast<char**>(options)));
    EXPECT_TRUE(dataset);
    double gt[6] = {556597.0, 1087.0, 0, 6800125.0, 0, -1087.0};
    dataset->SetGeoTransform(gt);
    OGRSpatialReference mercator;
    mercator.importFromEPSG(3857);
    dataset->SetSpatialRef(&mercator);
    std::vector<std::uint8_t> values(1024 * 1024);
    for (int band = 1; band <= 3; ++band) {
        for (int y = 0; y < 1024; ++y) {
            for (int x = 0; x < 1024; ++x) {
                const double v = 127.5 + 60 * std::sin(x / (20.0 + 7 * band)) +
                                 60 * std::cos(y / (31.0 - 5 * band)) + (x + y) / 64.0 - 16;
                values[static_cast<std::size_t>(y) * 1024 + x] =
                    static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
            }
        }
        EXPECT_EQ(dataset->GetRasterBand(band)->RasterIO(GF_Write, 0, 0, 1024, 1024, values.data(),
                                                         1024, 1024, GDT_Byte, 0, 0, nullptr),
                  CE_None);
    }
    const int levels[] = {2, 4};
    EXPECT_EQ(dataset->BuildOverviews("AVERAGE", 2, levels, 0, nullptr, nullptr, nullptr, nullptr),
              CE_None);
    return path;
}

// gdalwarp's answer for the map: RGBA bytes, alpha 0 where it has no data.
std::vector<std::uint8_t> gdal_reference(const std::string& source, int epsg, const MapBox& box,
                                         unsigned width, unsigned height, Resampling kernel) {
    const std::string srs = "EPSG:" + std::to_string(epsg);
    const std::string w = std::to_string(width), h = std::to_string(height);
    auto number = [](double v) {
        char text[40];
        std::snprintf(text, sizeof text, "%.10g", v);
        return std::string(text);
    };
    std::vector<std::string> args = {
        "-of",
        "MEM",
        "-t_srs",
        srs,
        "-te",
        number(box.minx),
        number(box.miny),
        number(box.maxx),
        number(box.maxy),
        "-ts",
        w,
        h,
        "-r",
        kernel == Resampling::nearest ? "near" : std::string(resampling_name(kernel)),
        "-et",
        "0.125",
        "-dstalpha",
        "-wo",
        "XSCALE=1",
        "-wo",
        "YSCALE=1",
        "-ovr",
        "AUTO"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv.data(), nullptr);
    GDALDatasetUniquePtr input(GDALDataset::Open(source.c_str(), GDAL_OF_RASTER));
    GDALDatasetH handle = GDALDataset::ToHandle(input.get());
    int usage_error = FALSE;
    GDALDatasetUniquePtr warped(
        GDALDataset::FromHandle(GDALWarp("", nullptr, 1, &handle, options, &usage_error)));
    GDALWarpAppOptionsFree(options);
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4);
    EXPECT_TRUE(warped);
    if (!warped) return rgba;
    int bands[] = {1, 2, 3, 4};
    EXPECT_EQ(warped->RasterIO(GF_Read, 0, 0, static_cast<int>(width), static_cast<int>(height),
                               rgba.data(), static_cast<int>(width), static_cast<int>(height),
                               GDT_Byte, 4, bands, 4, static_cast<GSpacing>(width) * 4, 1, nullptr),
              CE_None);
    return rgba;
}

struct Difference {
    double mean = 0;
    int p99 = 0;
    double identical = 0;  // fraction of compared values that are equal
    std::size_t compared = 0;
};

// Over the pixels both sides fully cover, skipping a one-pixel rim where
// the two may legitimately disagree about partial coverage.
Difference compare(const RgbaImage& ours, const std::vector<std::uint8_t>& reference) {
    std::vector<int> differences;
    const unsigned w = ours.width, h = ours.height;
    for (unsigned y = 1; y + 1 < h; ++y) {
        for (unsigned x = 1; x + 1 < w; ++x) {
            const std::size_t i = (static_cast<std::size_t>(y) * w + x) * 4;
            if (ours.pixels[i + 3] != 255 || reference[i + 3] != 255) continue;
            for (int c = 0; c < 3; ++c)
                differences.push_back(std::abs(ours.pixels[i + c] - reference[i + c]));
        }
    }
    Difference d;
    d.compared = differences.size() / 3;
    if (differences.empty()) return d;
    double sum = 0;
    std::size_t same = 0;
    for (const int v : differences) {
        sum += v;
        same += v == 0 ? 1 : 0;
    }
    d.mean = sum / static_cast<double>(differences.size());
    d.identical = static_cast<double>(same) / static_cast<double>(differences.size());
    std::sort(differences.begin(), differences.end());
    d.p99 = differences[differences.size() * 99 / 100];
    return d;
}

struct Case {
    const char* what;
    int epsg;
    MapBox box;
    unsigned width;
    unsigned height;
};

void PrintTo(const Case& c, std::ostream* out) {
    *out << c.what;
}

class ReferenceTest : public ::testing::TestWithParam<std::tuple<Case, Resampling>> {};

TEST_P(ReferenceTest, AgreesWithGdalwarpPixelByPixel) {
    const TempDir dir("wmsgate-reference");
    const auto source = write_smooth_ortho(dir);
    const auto& [c, kernel] = GetParam();
    MapJob job;
    job.layers.push_back({source, Paint{}, nullptr, kernel});
    job.epsg = c.epsg;
    job.bbox = c.box;
    job.width = c.width;
    job.height = c.height;
    job.transparent = true;
    const auto ours = render_map(job);
    ASSERT_TRUE(ours) << ours.error().code.message();
    const auto reference = gdal_reference(source, c.epsg, c.box, c.width, c.height, kernel);
    const auto d = compare(*ours, reference);
    const auto what = std::string(c.what) + ", " + std::string(resampling_name(kernel));
    // Most of the map is compared, not a sliver.
    EXPECT_GT(d.compared, static_cast<std::size_t>(c.width) * c.height / 2) << what;
    EXPECT_LT(d.mean, 0.5) << what;
    if (kernel == Resampling::nearest) {
        // Where a position lies within the approximations' 1/8 pixel of a
        // pixel border, the two may pick neighbours (which differ by up to 4
        // in this image); a map shifted by one pixel differs almost everywhere.
        EXPECT_GE(d.identical, 0.9) << what;
        EXPECT_LE(d.p99, 4) << what;
    } else {
        EXPECT_LE(d.p99, 2) << what;
    }
    std::printf("%-48s mean %.3f p99 %d identical %.3f\n", what.c_str(), d.mean, d.p99,
                d.identical);
}

INSTANTIATE_TEST_SUITE_P(
    Renderer, ReferenceTest,
    ::testing::Combine(
        ::testing::Values(
            Case{"same CRS, full resolution", 3857, {700000, 6000000, 900000, 6200000}, 256, 256},
            Case{"same CRS, enlarged 4x", 3857, {800000, 6100000, 870000, 6170000}, 256, 256},
            Case{"same CRS, shrunk from an overview",
                 3857,
                 {600000, 5700000, 1600000, 6700000},
                 300,
                 300},
            Case{"same CRS, not square", 3857, {650000, 5900000, 1250000, 6350000}, 400, 150},
            Case{"reprojected to WGS84", 4326, {6.0, 47.0, 11.0, 51.0}, 256, 256},
            Case{"reprojected to UTM 32N", 32632, {300000, 5250000, 700000, 5650000}, 320, 320}),
        ::testing::Values(Resampling::nearest, Resampling::bilinear, Resampling::cubic)),
    [](const ::testing::TestParamInfo<std::tuple<Case, Resampling>>& info) {
        std::string name = std::get<0>(info.param).what;
        name += "_" + std::string(resampling_name(std::get<1>(info.param)));
        for (auto& ch : name)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return name;
    });

}  // namespace
}  // namespace wmsgate::wms

// NaN and ±inf, from a raster's values, its statistics or a layer's min/max,
// must neither crash a render nor reach a client as a number JSON cannot hold.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <limits>

#include "tests/wms/test_datasets.hpp"
#include "wms/feature_info.hpp"
#include "wms/handler.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

TEST(RampFraction, NaNIsNoDataAndInfinitiesGoToTheEnds) {
    const Paint paint{false, RampKind::elevation, 0, 100, false};
    EXPECT_FALSE(ramp_fraction(paint, nan));
    EXPECT_EQ(ramp_fraction(paint, inf), 1.0);
    EXPECT_EQ(ramp_fraction(paint, -inf), 0.0);
    EXPECT_EQ(ramp_fraction(paint, 50), 0.5);
    EXPECT_EQ(ramp_fraction(paint, 1000), 1.0);
    // max - min overflows to inf: (max - min) / range would be inf / inf.
    const Paint wide{false, RampKind::grey, -1e308, 1e308, false};
    const auto top = ramp_fraction(wide, 1e308);
    ASSERT_TRUE(top);
    EXPECT_EQ(*top, 1.0);
}

TEST(FinitePaint, NonFiniteOrEmptyBoundsBecomeTheByteRange) {
    for (const auto& [min, max] : {std::pair{nan, 10.0}, std::pair{0.0, inf}, std::pair{-inf, inf},
                                   std::pair{5.0, 5.0}, std::pair{0.0, nan}}) {
        const Paint paint = finite_paint(Paint{false, RampKind::grey, min, max, false});
        EXPECT_EQ(paint.min, 0) << min << " " << max;
        EXPECT_EQ(paint.max, 255) << min << " " << max;
    }
    const Paint kept = finite_paint(Paint{false, RampKind::grey, -3, 7, false});
    EXPECT_EQ(kept.min, -3);
    EXPECT_EQ(kept.max, 7);
}

TEST(PixelCell, NonFinitePositionsAreOutside) {
    EXPECT_FALSE(pixel_cell(nan, 1, 10, 10));
    EXPECT_FALSE(pixel_cell(1, nan, 10, 10));
    EXPECT_FALSE(pixel_cell(inf, 1, 10, 10));
    EXPECT_FALSE(pixel_cell(-inf, 1, 10, 10));
    EXPECT_FALSE(pixel_cell(1e300, 1, 10, 10));
    EXPECT_FALSE(pixel_cell(-0.5, 1, 10, 10));
    EXPECT_EQ(pixel_cell(9.99, 0, 10, 10), (std::pair{9, 0}));
}

// A 4x1 Float32 raster over lon 0..4, lat 0..1 holding 1, +inf, -inf and NaN,
// without nodata: GDAL's min/max of it is not finite.
void write_nonfinite(const std::string& path) {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(gtiff, nullptr);
    GDALDatasetUniquePtr dataset(gtiff->Create(path.c_str(), 4, 1, 1, GDT_Float32, nullptr));
    ASSERT_TRUE(dataset);
    double gt[6] = {0, 1, 0, 1, 0, -1};
    dataset->SetGeoTransform(gt);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    dataset->SetSpatialRef(&wgs84);
    float values[4] = {1.0f, std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity(),
                       std::numeric_limits<float>::quiet_NaN()};
    ASSERT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 4, 1, values, 4, 1, GDT_Float32,
                                                  0, 0, nullptr),
              CE_None);
}

class NonFiniteRaster : public ::testing::Test {
  protected:
    void SetUp() override { write_nonfinite(source_); }

    Handler handler(std::optional<double> min, std::optional<double> max) {
        ServiceConfig service;
        service.title = "t";
        service.online_resource = "http://10.77.0.1:8080/wms";
        LayerConfig layer = test::layer("odd", "Odd", source_);
        layer.default_style = RampKind::elevation;
        layer.min = min;
        layer.max = max;
        service.layers = {layer};
        auto catalog = LayerCatalog::open(service.layers);
        if (!catalog) throw std::runtime_error(catalog.error().subject);
        return Handler(service, std::move(*catalog));
    }

    static constexpr const char* getmap =
        "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=odd&CRS=CRS:84"
        "&BBOX=0,0,4,1&WIDTH=64&HEIGHT=16&FORMAT=image/png&TRANSPARENT=TRUE&STYLES=";
    const ClientView view{"tester", {"odd"}};
    test::TempDir dir_;
    std::string source_ = dir_.file("nonfinite.tif");
};

TEST_F(NonFiniteRaster, RendersWithEveryStyleWhatEverTheStatistics) {
    // Computed statistics (inf), and bounds a caller other than the config
    // reader might pass: every one used to reach a colour-table index as NaN.
    for (const auto& [min, max] :
         std::vector<std::pair<std::optional<double>, std::optional<double>>>{
             {std::nullopt, std::nullopt}, {nan, 10.0}, {0.0, inf}, {-inf, inf}}) {
        const Handler h = handler(min, max);
        for (const char* style : {"", "grey", "viridis", "elevation"}) {
            const auto response = h.handle(std::string(getmap) + style, view);
            ASSERT_EQ(response.status, 200u) << style << response.body;
            const auto image = test::decode_png(response.body);
            ASSERT_EQ(image.width, 64);
            // The NaN column (x 3..4) is drawn as no data: transparent.
            EXPECT_EQ(image.at(63, 8, image.bands - 1), 0) << style;
        }
    }
}

TEST_F(NonFiniteRaster, FeatureInfoJsonStaysJson) {
    const Handler h = handler(std::nullopt, std::nullopt);
    const std::string info =
        "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=odd&STYLES=&CRS=CRS:84"
        "&BBOX=0,0,4,1&WIDTH=4&HEIGHT=1&QUERY_LAYERS=odd&J=0&INFO_FORMAT=";
    const auto infinite = h.handle(info + "application/json&I=1", view);
    EXPECT_NE(infinite.body.find("\"band_1\":null"), std::string::npos) << infinite.body;
    const auto missing = h.handle(info + "application/json&I=3", view);
    EXPECT_NE(missing.body.find("\"band_1\":null"), std::string::npos) << missing.body;
    const auto xml = h.handle(info + "text/xml&I=2", view);
    EXPECT_NE(xml.body.find(">-INF</Band>"), std::string::npos) << xml.body;
}

}  // namespace
}  // namespace wmsgate::wms

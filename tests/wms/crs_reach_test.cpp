// How far beyond a CRS's area of use a map may ask PROJ: the reach of the
// CRSs clients use most, the transform that leaves points beyond it alone,
// and GetMap requests whose BBOX lies far outside the world.
#include "wms/crs_reach.hpp"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "tests/wms/handler_fixture.hpp"

namespace wmsgate::wms {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(CrsReach, GeographicHoldsTheCopiesOfTheWorldBesideItButNotFarBeyond) {
    const MapBox reach = crs_reach(4326);
    EXPECT_TRUE(within(reach, -540, 0));
    EXPECT_TRUE(within(reach, 539, 89));
    EXPECT_FALSE(within(reach, 1e6, 0));
    EXPECT_FALSE(within(reach, 0, -1e6));
    EXPECT_FALSE(within(reach, nan, 0));
}

TEST(CrsReach, WebMercatorHoldsTheWorldAndTheCopyBesideIt) {
    const MapBox reach = crs_reach(3857);
    // The corners of the world in Web Mercator, and a map centred on the
    // world to the east of it (OpenLayers' wrapped views ask for these).
    EXPECT_TRUE(within(reach, -20037508, -20037508));
    EXPECT_TRUE(within(reach, 20037508, 20037508));
    EXPECT_TRUE(within(reach, 4.0e7, 1.0e7));
    EXPECT_FALSE(within(reach, 1e9, 0));
    EXPECT_FALSE(within(reach, -3e17, 0));
    EXPECT_FALSE(within(reach, 0, nan));
}

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};

TEST(TransformWithin, TransformsThePointsInReachAndLeavesTheOthersAlone) {
    OGRSpatialReference mercator, wgs84;
    ASSERT_EQ(mercator.importFromEPSG(3857), OGRERR_NONE);
    ASSERT_EQ(wgs84.importFromEPSG(4326), OGRERR_NONE);
    mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> to_wgs84(
        OGRCreateCoordinateTransformation(&mercator, &wgs84));
    ASSERT_TRUE(to_wgs84);

    double x[] = {1113194.9079327357, -3e17, nan, -2226389.8158654715};
    double y[] = {0, 0, 0, 1118889.9748579594};
    int ok[] = {-1, -1, -1, -1};
    transform_within(*to_wgs84, crs_reach(3857), 4, x, y, ok);

    EXPECT_EQ(ok[0], TRUE);
    EXPECT_NEAR(x[0], 10, 1e-9);
    EXPECT_NEAR(y[0], 0, 1e-9);
    EXPECT_EQ(ok[3], TRUE);
    EXPECT_NEAR(x[3], -20, 1e-9);
    EXPECT_NEAR(y[3], 10, 1e-6);
    EXPECT_EQ(ok[1], FALSE);
    EXPECT_EQ(x[1], -3e17);
    EXPECT_EQ(ok[2], FALSE);
    EXPECT_TRUE(std::isnan(x[2]));
}

using FarBbox = test::HandlerTest;

std::string mercator_map(const std::string& bbox, const std::string& size) {
    return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&CRS=EPSG:3857"
           "&BBOX=" +
           bbox + "&" + size + "&FORMAT=image/png&TRANSPARENT=TRUE";
}

// WMS 1.3.0 (6.7.4): beyond the CRS's valid range the map is empty. The
// world layer covers the globe, so every pixel within reach shows it.
TEST_F(FarBbox, IsEmptyBeyondTheReachAndDrawnWithin) {
    // Pixels 10 million metres wide: the first ten lie more than 1e8 m
    // west, the last two over Asia.
    const auto response = get(mercator_map("-2.0e8,-1.0e7,2.0e7,1.0e7", "WIDTH=22&HEIGHT=2"));
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = test::decode_png(response.body);
    ASSERT_EQ(image.bands, 4);
    for (int x = 0; x < 10; ++x) EXPECT_EQ(image.at(x, 0, 3), 0) << "pixel " << x;
    EXPECT_EQ(image.at(20, 0, 3), 255);
    EXPECT_EQ(image.at(21, 0, 3), 255);
}

TEST_F(FarBbox, AsFarAsAClientCanWriteIsAnEmptyMap) {
    // This request held a render thread for over 15 minutes inside one
    // PROJ call before points beyond the reach were left out.
    const auto response = get(mercator_map("-29999999999e7,-0e7,2e7,1e7", "WIDTH=20&HEIGHT=40"));
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = test::decode_png(response.body);
    ASSERT_EQ(image.bands, 4);
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) ASSERT_EQ(image.at(x, y, 3), 0) << x << "," << y;
}

// Before the reach, this one point took 7 s in PROJ and GDAL found a
// pixel for it, some 10^12 degrees of longitude away.
TEST_F(FarBbox, FeatureInfoBeyondTheReachFindsNoPixel) {
    const auto info = [](const std::string& bbox) {
        return get(
            "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=world&STYLES="
            "&CRS=EPSG:3857&BBOX=" +
            bbox + "&WIDTH=20&HEIGHT=10&I=19&J=5&QUERY_LAYERS=world&INFO_FORMAT=text/plain");
    };
    const auto near = info("-1.0e7,-1.0e7,1.0e7,1.0e7");
    ASSERT_EQ(near.status, 200u) << near.body;
    const auto far = info("-29999999999e7,-1.0e7,-2.0e17,1.0e7");
    ASSERT_EQ(far.status, 200u) << far.body;
    EXPECT_NE(near.body.find("band_1 = "), std::string::npos) << near.body;
    EXPECT_NE(far.body.find("no data at this point"), std::string::npos) << far.body;
    EXPECT_EQ(far.body.find("band_1"), std::string::npos) << far.body;
}

}  // namespace
}  // namespace wmsgate::wms

// Vector layers from PostGIS through OGR's PG: driver, against the real
// server tests/wms/postgis_test.sh starts (it sets WMSGATE_TEST_PG to the
// connection string). Without it the tests skip.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/wms/test_datasets.hpp"
#include "wms/handler.hpp"

namespace wmsgate::wms::test {
namespace {

const char* connection() {
    return std::getenv("WMSGATE_TEST_PG");
}

// The table the script made: parcels(id, class, owner, geom) in EPSG:4326:
// id (the primary key, so OGR's FID) 1 forest lon 0..10 x lat 0..10; id 2 water lon 20..40 x 0..20
// with a hole 25..35 x 5..15.
LayerConfig parcels() {
    LayerConfig config = layer("parcels", "Parcels", std::string("PG:") + connection());
    config.source_layer = "parcels";
    config.fields = {"id", "class"};
    VectorRule forest;
    forest.filter = "class = 'forest'";
    forest.fill = Rgba{0, 200, 0, 255};
    VectorRule rest;
    rest.fill = Rgba{0, 0, 255, 255};
    config.rules = {forest, rest};
    return config;
}

class PostgisTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (connection() == nullptr) GTEST_SKIP() << "WMSGATE_TEST_PG not set (postgis_test.sh)";
        ServiceConfig service;
        service.layers = {parcels()};
        auto catalog = LayerCatalog::open(service.layers);
        ASSERT_TRUE(catalog) << catalog.error().subject << ": " << catalog.error().code.message();
        catalog_warnings_ = catalog->warnings();
        handler_ = std::make_unique<Handler>(service, std::move(*catalog));
    }
    Response get(const std::string& query) {
        return handler_->handle("/wms?SERVICE=WMS&VERSION=1.1.1&" + query, view_);
    }

    std::unique_ptr<Handler> handler_;
    std::vector<std::string> catalog_warnings_;
    ClientView view_{"tester", {"parcels"}};
};

TEST_F(PostgisTest, DrawsTheTableWithItsRulesHolesIncluded) {
    const auto response =
        get("REQUEST=GetMap&LAYERS=parcels&STYLES=&SRS=EPSG:4326&BBOX=-60,-60,60,60&WIDTH=120"
            "&HEIGHT=120&FORMAT=image/png");
    ASSERT_EQ(response.content_type, "image/png") << response.body;
    const auto image = decode_png(response.body);
    EXPECT_EQ(image.at(65, 55, 1), 200);  // forest at (5, 5)
    EXPECT_EQ(image.at(82, 58, 2), 255);  // water at (22, 2)
    EXPECT_EQ(image.at(90, 50, 2), 255);  // the hole at (30, 10): background white...
    EXPECT_EQ(image.at(90, 50, 0), 255);  // ...not blue
}

TEST_F(PostgisTest, AnswersFeatureInfoWithTheListedFieldsOnly) {
    const auto response =
        get("REQUEST=GetFeatureInfo&LAYERS=parcels&QUERY_LAYERS=parcels&STYLES=&SRS=EPSG:4326"
            "&BBOX=-60,-60,60,60&WIDTH=120&HEIGHT=120&FORMAT=image/png&X=65&Y=55"
            "&INFO_FORMAT=application/json");
    EXPECT_NE(response.body.find("\"properties\":{\"id\":1,\"class\":\"forest\"}"),
              std::string::npos)
        << response.body;
    EXPECT_EQ(response.body.find("Ada"), std::string::npos);
}

TEST_F(PostgisTest, AGistIndexedTableRaisesNoWarning) {
    EXPECT_TRUE(catalog_warnings_.empty()) << catalog_warnings_.front();
}

}  // namespace
}  // namespace wmsgate::wms::test

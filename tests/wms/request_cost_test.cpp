#include "wms/request_cost.hpp"

#include <gtest/gtest.h>

#include "wms/kvp.hpp"
#include "wms/request.hpp"

namespace wmsgate::wms {
namespace {

const std::string map_query =
    "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90"
    "&FORMAT=image/png";

TEST(RequestCost, CountsEveryLayerNamedDuplicatesIncluded) {
    EXPECT_EQ(map_cost(100, 50, 3), 15000u);
    EXPECT_EQ(map_cost(100, 50, 0), 5000u) << "a map without layers still costs its picture";
    EXPECT_EQ(
        request_cost("/wms?" + map_query + "&LAYERS=a,a,a,a&WIDTH=1000&HEIGHT=1000", 4096, 4096),
        4'000'000u);
}

TEST(RequestCost, ExceptionPicturesCostTheirPixels) {
    // No layer the client may see, but an INIMAGE answer of 4096x4096 is drawn.
    EXPECT_EQ(
        request_cost("/wms?" + map_query + "&LAYERS=&WIDTH=4096&HEIGHT=4096&EXCEPTIONS=INIMAGE",
                     4096, 4096),
        4096u * 4096u);
}

TEST(RequestCost, ClampsToTheLimitsAndHasAFloor) {
    EXPECT_EQ(request_cost("/wms?" + map_query + "&LAYERS=a&WIDTH=99999&HEIGHT=10", 4096, 4096),
              std::max<std::uint64_t>(minimum_cost, 4096u * 10u));
    EXPECT_EQ(request_cost("/wms?SERVICE=WMS&REQUEST=GetCapabilities", 4096, 4096), minimum_cost);
    EXPECT_EQ(request_cost("/metrics", 4096, 4096), minimum_cost);
    EXPECT_EQ(request_cost("/wms?%zz", 4096, 4096), minimum_cost);
}

TEST(RequestName, IsTheRequestValueOrThePath) {
    EXPECT_EQ(request_name("/wms?service=WMS&request=GetMap&layers=a"), "GetMap");
    EXPECT_EQ(request_name("/wms?SERVICE=WMS"), "/wms");
    EXPECT_EQ(request_name("/metrics"), "/metrics");
    EXPECT_EQ(request_name("/wms?REQUEST=" + std::string(100, 'x')), std::string(64, 'x'));
}

tl::expected<WmsRequest, RequestError> parse(const std::string& query, std::uint64_t budget) {
    const auto kvp = Kvp::parse(query);
    EXPECT_TRUE(kvp);
    return parse_request(*kvp, RequestLimits{4096, 4096, 32, budget});
}

TEST(PixelBudget, RefusesMapsOverBudgetCountingDuplicates) {
    const std::uint64_t budget = 4096ull * 4096 * 4;
    EXPECT_TRUE(parse(map_query + "&LAYERS=a,a,a,a&WIDTH=4096&HEIGHT=4096", budget));
    const auto over = parse(map_query + "&LAYERS=a,a,a,a,a&WIDTH=4096&HEIGHT=4096", budget);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().exception.code, ExceptionCode::InvalidParameterValue);
    EXPECT_NE(over.error().exception.message.find("at most 67108864"), std::string::npos);
    EXPECT_TRUE(parse(map_query + "&LAYERS=a,a,a,a,a&WIDTH=4096&HEIGHT=4096", 0)) << "0: no budget";
}

TEST(PixelBudget, RefusalIsAPictureOnlyIfThePictureFits) {
    // Over budget by its layers: the refusal may be drawn at the asked size.
    auto refused =
        parse(map_query + "&LAYERS=a,a&WIDTH=1000&HEIGHT=1000&EXCEPTIONS=INIMAGE", 1'500'000);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().format, ExceptionFormat::inimage);
    // The picture alone is over budget: the refusal comes as XML.
    refused = parse(map_query + "&LAYERS=a&WIDTH=2000&HEIGHT=1000&EXCEPTIONS=INIMAGE", 1'500'000);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().format, ExceptionFormat::xml);
}

TEST(PixelBudget, GetFeatureInfoIsNotRendered) {
    EXPECT_TRUE(
        parse("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&STYLES=&CRS=CRS:84"
              "&BBOX=-180,-90,180,90&LAYERS=a,a&QUERY_LAYERS=a&WIDTH=4096&HEIGHT=4096"
              "&I=1&J=1&INFO_FORMAT=text/plain",
              1000));
}

}  // namespace
}  // namespace wmsgate::wms

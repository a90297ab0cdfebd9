#include <set>
#include <thread>

#include "tests/wms/handler_fixture.hpp"

namespace wmsgate::wms {
namespace {

using GetMap = test::HandlerTest;
using test::decode_png;
using test::has_png_signature;

std::string map_target(const std::string& layers, const std::string& extra,
                       const std::string& bbox = "-180,-90,180,90",
                       const std::string& size = "WIDTH=64&HEIGHT=32") {
    return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=" + layers +
           "&STYLES=&CRS=CRS:84&BBOX=" + bbox + "&" + size + "&FORMAT=image/png" + extra;
}

std::size_t distinct_colours(const test::DecodedImage& image) {
    std::set<std::vector<std::uint8_t>> colours;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            std::vector<std::uint8_t> pixel;
            for (int b = 0; b < image.bands; ++b) pixel.push_back(image.at(x, y, b));
            colours.insert(pixel);
        }
    return colours.size();
}

TEST_F(GetMap, RgbLayerRendersAsPng) {
    const auto response = get(map_target("world", "&TRANSPARENT=TRUE"));
    ASSERT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(response.content_type, "image/png");
    ASSERT_TRUE(has_png_signature(response.body));
    const auto image = decode_png(response.body);
    ASSERT_EQ(image.width, 64);
    ASSERT_EQ(image.height, 32);
    ASSERT_EQ(image.bands, 4);
    EXPECT_GT(distinct_colours(image), 100u);
    // Red grows west to east, green north to south, as in the source.
    EXPECT_LT(image.at(2, 16, 0), image.at(61, 16, 0));
    EXPECT_LT(image.at(32, 2, 1), image.at(32, 29, 1));
    EXPECT_NEAR(image.at(32, 16, 2), 128, 2);
    EXPECT_EQ(image.at(32, 16, 3), 255);
}

TEST_F(GetMap, GrayLayerIsReplicatedAndOutsideIsTransparent) {
    const auto response =
        get(map_target("gray", "&TRANSPARENT=TRUE", "-180,-90,180,90", "WIDTH=128&HEIGHT=64"));
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = decode_png(response.body);
    ASSERT_EQ(image.width, 128);
    ASSERT_EQ(image.height, 64);
    ASSERT_EQ(image.bands, 4);
    // The data covers lon 0..90, lat 0..45: pixels x 64..96, y 16..32.
    EXPECT_EQ(image.at(10, 50, 3), 0);  // far south-west: no data
    EXPECT_EQ(image.at(120, 5, 3), 0);  // far north-east: no data
    const int x = 80, y = 24;
    EXPECT_EQ(image.at(x, y, 3), 255);
    EXPECT_EQ(image.at(x, y, 0), image.at(x, y, 1));
    EXPECT_EQ(image.at(x, y, 1), image.at(x, y, 2));
    EXPECT_LT(image.at(66, y, 0), image.at(94, y, 0));
}

TEST_F(GetMap, BoxWithoutAnyDataIsBlankNotAnError) {
    const auto response = get(map_target("gray", "&TRANSPARENT=TRUE", "100,50,170,80"));
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = decode_png(response.body);
    ASSERT_EQ(image.bands, 4);
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) ASSERT_EQ(image.at(x, y, 3), 0) << x << "," << y;
}

TEST_F(GetMap, OpaqueMapsUseWhiteOrBgcolor) {
    const auto white = decode_png(get(map_target("gray", "&TRANSPARENT=FALSE")).body);
    ASSERT_EQ(white.bands, 3);
    EXPECT_EQ(white.at(5, 28, 0), 255);
    EXPECT_EQ(white.at(5, 28, 1), 255);
    EXPECT_EQ(white.at(5, 28, 2), 255);

    const auto coloured = decode_png(get(map_target("gray", "&BGCOLOR=0x102030")).body);
    ASSERT_EQ(coloured.bands, 3);  // TRANSPARENT defaults to FALSE
    EXPECT_EQ(coloured.at(5, 28, 0), 0x10);
    EXPECT_EQ(coloured.at(5, 28, 1), 0x20);
    EXPECT_EQ(coloured.at(5, 28, 2), 0x30);
}

TEST_F(GetMap, LayersCompositeInOrder) {
    // gray on top of world: inside gray's extent gray wins, elsewhere world shows.
    const auto image = decode_png(
        get(map_target("world,gray", "&TRANSPARENT=TRUE", "-180,-90,180,90", "WIDTH=128&HEIGHT=64"))
            .body);
    ASSERT_EQ(image.bands, 4);
    const auto world = decode_png(
        get(map_target("world", "&TRANSPARENT=TRUE", "-180,-90,180,90", "WIDTH=128&HEIGHT=64"))
            .body);
    const auto gray = decode_png(
        get(map_target("gray", "&TRANSPARENT=TRUE", "-180,-90,180,90", "WIDTH=128&HEIGHT=64"))
            .body);
    for (int band = 0; band < 4; ++band) {
        EXPECT_EQ(image.at(80, 24, band), gray.at(80, 24, band));
        EXPECT_EQ(image.at(10, 50, band), world.at(10, 50, band));
    }
    EXPECT_NE(image.at(80, 24, 2), world.at(80, 24, 2));
}

TEST_F(GetMap, AxisOrdersAgree) {
    const std::string size = "WIDTH=40&HEIGHT=20";
    const auto crs84 = get(map_target("world", "", "0,0,90,45", size));
    const auto epsg130 =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&"
            "CRS=EPSG:4326&BBOX=0,0,45,90&" +
            size + "&FORMAT=image/png");
    const auto epsg111 =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=world&STYLES=&"
            "SRS=EPSG:4326&BBOX=0,0,90,45&" +
            size + "&FORMAT=image/png");
    ASSERT_TRUE(has_png_signature(crs84.body));
    EXPECT_EQ(crs84.body, epsg130.body);
    EXPECT_EQ(crs84.body, epsg111.body);
    const auto swapped =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&"
            "CRS=EPSG:4326&BBOX=0,0,90,45&" +
            size + "&FORMAT=image/png");
    EXPECT_NE(crs84.body, swapped.body);
}

TEST_F(GetMap, ForbiddenLayerIsExactlyAnUnknownLayer) {
    const ClientView gray_only{"alice", {"gray"}};
    // "world" exists but alice may not see it; "wxrld" exists nowhere.
    const auto forbidden = get(map_target("world", ""), gray_only);
    const auto unknown = get(map_target("wxrld", ""), gray_only);
    EXPECT_NE(forbidden.body.find("code=\"LayerNotDefined\""), std::string::npos) << forbidden.body;
    EXPECT_EQ(forbidden.status, unknown.status);
    EXPECT_EQ(forbidden.content_type, unknown.content_type);
    // Same name asked twice: once forbidden, once for a client in whose world it does not exist.
    const auto forbidden_same = get(map_target("world", ""), gray_only);
    const auto missing_same = handler_->handle(map_target("world", ""), {"bob", {"gray"}});
    EXPECT_EQ(forbidden_same.body, missing_same.body);

    // And against a catalog without "world" at all, with the client allowed to see it.
    auto service = data_->service();
    service.layers = {test::layer("gray", "Gray", data_->gray())};
    auto catalog = LayerCatalog::open(service.layers);
    ASSERT_TRUE(catalog);
    const Handler without_world(service, std::move(*catalog));
    const auto truly_unknown =
        without_world.handle(map_target("world", ""), {"alice", {"gray", "world"}});
    EXPECT_EQ(forbidden.status, truly_unknown.status);
    EXPECT_EQ(forbidden.content_type, truly_unknown.content_type);
    EXPECT_EQ(forbidden.body, truly_unknown.body);
    EXPECT_EQ(forbidden.request_name, truly_unknown.request_name);

    // A forbidden layer next to a visible one is refused too.
    const auto mixed = get(map_target("gray,world", ""), gray_only);
    EXPECT_NE(mixed.body.find("code=\"LayerNotDefined\""), std::string::npos);
}

TEST_F(GetMap, ParameterErrors) {
    struct Case {
        std::string target;
        const char* code;
    };
    const std::vector<Case> cases = {
        {map_target("world", "", "10,0,10,5"), "InvalidParameterValue"},
        {map_target("world", "", "-180,-90,180,90", "WIDTH=0&HEIGHT=32"), "InvalidParameterValue"},
        {map_target("world", "", "-180,-90,180,90", "WIDTH=64&HEIGHT=2049"),
         "InvalidParameterValue"},
        {"/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&CRS=CRS:84"
         "&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/gif",
         "InvalidFormat"},
        {"/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=x&CRS=CRS:84"
         "&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png",
         "StyleNotDefined"},
        {"/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&CRS=EPSG:999999"
         "&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png",
         "InvalidCRS"},
    };
    for (const auto& c : cases) {
        const auto response = get(c.target);
        EXPECT_EQ(response.status, 200u) << c.target;
        EXPECT_EQ(response.content_type, "text/xml") << c.target;
        EXPECT_NE(response.body.find(std::string("code=\"") + c.code + "\""), std::string::npos)
            << c.target << "\n"
            << response.body;
    }
}

TEST_F(GetMap, RendersFromSeveralThreads) {
    // Each thread opens its own datasets; results must match the serial one.
    const auto target = map_target("world,gray", "&TRANSPARENT=TRUE");
    const auto expected = get(target).body;
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (auto& result : results)
        threads.emplace_back([&result, &target] {
            for (int i = 0; i < 5; ++i) result = handler_->handle(target, everything()).body;
        });
    for (auto& thread : threads) thread.join();
    for (const auto& result : results) EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace wmsgate::wms

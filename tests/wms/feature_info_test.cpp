// GetFeatureInfo and GetLegendGraphic, and the exception codes only they raise.
#include <gtest/gtest.h>

#include "tests/wms/handler_fixture.hpp"

namespace wmsgate::wms {
namespace {

class FeatureInfo : public test::HandlerTest {
  protected:
    // A 20x10 map exactly over dem.tif, so map pixel (i, j) is dem pixel (i, j).
    static std::string info(const std::string& query_layers, const std::string& extra,
                            const std::string& version = "1.3.0") {
        const bool v13 = version == "1.3.0";
        return "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=" + version +
               "&LAYERS=world,dem&STYLES=&" +
               (v13 ? "CRS=EPSG:4326&BBOX=-10,-20,10,20" : "SRS=EPSG:4326&BBOX=-20,-10,20,10") +
               "&WIDTH=20&HEIGHT=10&FORMAT=image/png&QUERY_LAYERS=" + query_layers + extra;
    }
    static std::string code_of(const Response& r) {
        const auto at = r.body.find("code=\"");
        if (at == std::string::npos) return {};
        return r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
    }
};

TEST_F(FeatureInfo, BandValuesInEveryFormat) {
    const auto text = get(info("dem", "&I=3&J=2&INFO_FORMAT=text/plain"));
    EXPECT_EQ(text.content_type, "text/plain");
    EXPECT_NE(text.body.find("band_1 = 302"), std::string::npos) << text.body;
    const auto json = get(info("dem", "&I=3&J=2&INFO_FORMAT=application/json"));
    EXPECT_EQ(json.content_type, "application/json");
    EXPECT_NE(json.body.find("\"band_1\":302"), std::string::npos) << json.body;
    const auto html = get(info("dem", "&I=3&J=2&INFO_FORMAT=text/html"));
    EXPECT_NE(html.body.find("<td>302</td>"), std::string::npos) << html.body;
    const auto xml = get(info("dem,world", "&I=3&J=2&INFO_FORMAT=text/xml"));
    EXPECT_EQ(xml.content_type, "text/xml");
    EXPECT_NE(xml.body.find("<Band index=\"1\">302</Band>"), std::string::npos) << xml.body;
    EXPECT_NE(xml.body.find("<Layer name=\"world\"><Feature><Band index=\"1\">"),
              std::string::npos);
    // 1.1.1 takes X/Y; FEATURE_COUNT is accepted.
    const auto v111 = get(info("dem", "&X=3&Y=2&FEATURE_COUNT=5", "1.1.1"));
    EXPECT_NE(v111.body.find("band_1 = 302"), std::string::npos) << v111.body;
}

TEST_F(FeatureInfo, NodataAndOutsideTheData) {
    const auto nodata = get(info("dem", "&I=0&J=0"));
    EXPECT_NE(nodata.body.find("band_1 = nodata"), std::string::npos) << nodata.body;
    const auto json = get(info("dem", "&I=0&J=0&INFO_FORMAT=application/json"));
    EXPECT_NE(json.body.find("\"band_1\":null"), std::string::npos) << json.body;
    const auto outside =
        get("/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=dem"
            "&STYLES=&CRS=CRS:84&BBOX=100,50,120,60&WIDTH=20&HEIGHT=10"
            "&QUERY_LAYERS=dem&I=1&J=1");
    EXPECT_NE(outside.body.find("no data at this point"), std::string::npos) << outside.body;
}

TEST_F(FeatureInfo, ExceptionCodes) {
    EXPECT_EQ(code_of(get(info("dem", "&I=20&J=0"))), "InvalidPoint");
    EXPECT_EQ(code_of(get(info("dem", "&I=-1&J=0"))), "InvalidPoint");
    EXPECT_EQ(code_of(get(info("dem", "&I=a&J=0"))), "InvalidPoint");
    EXPECT_EQ(code_of(get(info("dem", "&J=0"))), "MissingParameterValue");
    EXPECT_EQ(code_of(get(info("dem", "&I=1&J=1&INFO_FORMAT=image/gif"))), "InvalidFormat");
    EXPECT_EQ(code_of(get(info("dem", "&I=1&J=1&FEATURE_COUNT=0"))), "InvalidParameterValue");
    EXPECT_EQ(code_of(get(info("nowhere", "&I=1&J=1"))), "LayerNotDefined");
    const auto v111 = get(info("dem", "&X=99&Y=0", "1.1.1"));
    EXPECT_EQ(v111.content_type, "application/vnd.ogc.se_xml");
    EXPECT_EQ(code_of(v111), "InvalidPoint");

    // A layer the service marks not queryable.
    auto service = data_->service();
    service.layers[2].queryable = false;
    auto catalog = LayerCatalog::open(service.layers);
    ASSERT_TRUE(catalog);
    const Handler handler(service, std::move(*catalog));
    const auto refused = handler.handle(info("dem", "&I=1&J=1"), everything());
    test::expect_valid_wms_xml(refused);
    EXPECT_EQ(code_of(refused), "LayerNotQueryable");
}

TEST_F(FeatureInfo, ForbiddenQueryLayerIsAnUnknownOne) {
    const ClientView world_only{"alice", {"world"}};
    const std::string map_part =
        "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=world&STYLES="
        "&CRS=CRS:84&BBOX=-20,-10,20,10&WIDTH=20&HEIGHT=10&I=1&J=1&QUERY_LAYERS=";
    const auto forbidden = get(map_part + "dem", world_only);
    const auto unknown = get(map_part + "zzz", world_only);
    EXPECT_EQ(code_of(forbidden), "LayerNotDefined");
    EXPECT_EQ(forbidden.body, unknown.body);
    EXPECT_EQ(forbidden.body.find("dem"), std::string::npos);
}

TEST_F(FeatureInfo, LegendGraphic) {
    const std::string base =
        "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0"
        "&FORMAT=image/png";
    const auto ramp = get(base + "&LAYER=dem&STYLE=viridis");
    EXPECT_EQ(ramp.content_type, "image/png");
    const auto decoded = test::decode_png(ramp.body);
    EXPECT_EQ(decoded.width, 20);
    EXPECT_EQ(decoded.height, 128);
    // Viridis' high end (top) is yellow, its low end (bottom) purple.
    EXPECT_GT(decoded.at(5, 0, 1), 200);
    EXPECT_LT(decoded.at(5, 127, 1), 30);
    EXPECT_NE(get(base + "&LAYER=dem&STYLE=elevation").body, ramp.body);
    const auto sized = test::decode_png(get(base + "&LAYER=world&WIDTH=30&HEIGHT=12").body);
    EXPECT_EQ(sized.width, 30);
    EXPECT_EQ(sized.height, 12);
    EXPECT_EQ(code_of(get(base + "&LAYER=world&STYLE=viridis")), "StyleNotDefined");
    EXPECT_EQ(code_of(get(base + "&LAYER=dem&FORMAT=image/gif")), "");  // first FORMAT wins
    EXPECT_EQ(code_of(get("/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=dem&FORMAT=text/x")),
              "InvalidFormat");
    const auto forbidden = get(base + "&LAYER=dem", {"alice", {"world"}});
    const auto unknown = get(base + "&LAYER=zzz", {"alice", {"world"}});
    EXPECT_EQ(code_of(forbidden), "LayerNotDefined");
    EXPECT_EQ(forbidden.body, unknown.body);
}

}  // namespace
}  // namespace wmsgate::wms

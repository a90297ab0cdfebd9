// GetMap conformance: CRS and axis order, sizes, formats, transparency,
// layer order, styles and exceptions as pictures.
#include <gtest/gtest.h>

#include "tests/wms/handler_fixture.hpp"

namespace wmsgate::wms {
namespace {

class GetMapConformance : public test::HandlerTest {
  protected:
    static std::string map(const std::string& layers, const std::string& crs,
                           const std::string& bbox, const std::string& extra = "",
                           const std::string& version = "1.3.0") {
        const char* crs_name = version == "1.3.0" ? "CRS" : "SRS";
        return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=" + version + "&LAYERS=" + layers +
               "&STYLES=&" + crs_name + "=" + crs + "&BBOX=" + bbox +
               "&WIDTH=64&HEIGHT=32&FORMAT=image/png" + extra;
    }
    static test::DecodedImage image(const Response& r) {
        EXPECT_EQ(r.status, 200u) << r.body.substr(0, 400);
        return test::decode_png(r.body);
    }
};

TEST_F(GetMapConformance, Epsg4326LatLonEqualsCrs84PixelForPixel) {
    const auto lonlat = get(map("world,gray", "CRS:84", "-170,-80,160,85"));
    const auto latlon = get(map("world,gray", "EPSG:4326", "-80,-170,85,160"));
    const auto v111 = get(map("world,gray", "EPSG:4326", "-170,-80,160,85", "", "1.1.1"));
    ASSERT_TRUE(test::has_png_signature(lonlat.body));
    EXPECT_EQ(image(lonlat).pixels, image(latlon).pixels);
    EXPECT_EQ(image(lonlat).pixels, image(v111).pixels);
}

TEST_F(GetMapConformance, ExactSizes) {
    for (const auto& [w, h] : {std::pair{1024, 768}, std::pair{8, 5}}) {
        const auto r =
            get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES="
                "&CRS=CRS:84&BBOX=-180,-90,180,90&FORMAT=image/png&WIDTH=" +
                std::to_string(w) + "&HEIGHT=" + std::to_string(h));
        const auto decoded = image(r);
        EXPECT_EQ(decoded.width, w);
        EXPECT_EQ(decoded.height, h);
    }
}

TEST_F(GetMapConformance, EveryFormatHasItsTypeAndSize) {
    struct Case {
        const char* format;
        const char* type;
        const char* magic;
    };
    for (const auto& c : {Case{"image/png", "image/png", "\x89PNG"},
                          Case{"image/png;+mode%3D8bit", "image/png; mode=8bit", "\x89PNG"},
                          Case{"image/jpeg", "image/jpeg", "\xFF\xD8\xFF"},
                          Case{"image/webp", "image/webp", "RIFF"}}) {
        for (const char* transparent : {"TRUE", "false"}) {
            const auto direct =
                get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world"
                    "&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32"
                    "&TRANSPARENT=" +
                    std::string(transparent) + "&FORMAT=" + c.format);
            EXPECT_EQ(direct.content_type, c.type);
            EXPECT_EQ(direct.body.rfind(c.magic, 0), 0u) << c.format;
            const auto decoded = test::decode_png(direct.body);
            EXPECT_EQ(decoded.width, 64) << c.format;
            EXPECT_EQ(decoded.height, 32) << c.format;
        }
    }
}

TEST_F(GetMapConformance, TransparentAndBgcolorOutsideData) {
    // gray covers lon 0..90, lat 0..45; the left half of this map is empty.
    const auto clear = image(get(map("gray", "CRS:84", "-90,0,90,45", "&TRANSPARENT=TRUE")));
    ASSERT_EQ(clear.bands, 4);
    EXPECT_EQ(clear.at(5, 16, 3), 0);     // outside: fully transparent
    EXPECT_EQ(clear.at(50, 16, 3), 255);  // inside: opaque
    const auto red = image(get(map("gray", "CRS:84", "-90,0,90,45", "&BGCOLOR=0xFF0000")));
    ASSERT_EQ(red.bands, 3);
    EXPECT_EQ(red.at(5, 16, 0), 255);
    EXPECT_EQ(red.at(5, 16, 1), 0);
    EXPECT_EQ(red.at(5, 16, 2), 0);
    const auto lower_case = image(get(map("gray", "CRS:84", "-90,0,90,45", "&transparent=tRuE")));
    EXPECT_EQ(lower_case.bands, 4);
}

TEST_F(GetMapConformance, LayersCompositeFirstAtTheBottom) {
    // Inside gray's area both layers have data: the last one listed shows.
    const auto gray_on_top = image(get(map("world,gray", "CRS:84", "0,0,90,45")));
    const auto world_on_top = image(get(map("gray,world", "CRS:84", "0,0,90,45")));
    const auto gray_only = image(get(map("gray", "CRS:84", "0,0,90,45")));
    const auto world_only = image(get(map("world", "CRS:84", "0,0,90,45")));
    EXPECT_EQ(gray_on_top.pixels, gray_only.pixels);
    EXPECT_EQ(world_on_top.pixels, world_only.pixels);
    EXPECT_NE(gray_on_top.pixels, world_on_top.pixels);
}

TEST_F(GetMapConformance, ReprojectedAndOutsideTheCrsRangeAreEmptyNotErrors) {
    const auto mercator =
        image(get(map("world", "EPSG:3857", "-20037508,-20037508,20037508,20037508")));
    EXPECT_EQ(mercator.width, 64);
    // A box far beyond Web Mercator's range and a UTM zone on the far side.
    const auto beyond = get(map("dem", "EPSG:3857", "1e9,1e9,2e9,2e9", "&TRANSPARENT=TRUE"));
    const auto beyond_image = image(beyond);
    ASSERT_EQ(beyond_image.bands, 4);
    EXPECT_EQ(beyond_image.at(10, 10, 3), 0);
    const auto utm = get(map("dem", "EPSG:32633", "-5e6,-5e6,5e6,5e6", "&TRANSPARENT=TRUE"));
    EXPECT_EQ(utm.content_type, "image/png");
    // 1.3.0 axis order for a projected northing/easting CRS is honoured too.
    const auto epsg2193 = get(map("world", "EPSG:2193", "4700000,1000000,6300000,2200000"));
    EXPECT_EQ(epsg2193.content_type, "image/png");
}

TEST_F(GetMapConformance, SingleBandStylesAndNodata) {
    const std::string box = "-20,-10,20,10";
    const auto target = [&](const std::string& style) {
        return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=dem&STYLES=" + style +
               "&CRS=CRS:84&BBOX=" + box + "&WIDTH=20&HEIGHT=10&FORMAT=image/png&TRANSPARENT=TRUE";
    };
    const auto by_default = image(get(target("")));
    const auto elevation = image(get(target("elevation")));
    const auto viridis = image(get(target("viridis")));
    const auto grey = image(get(target("grey")));
    EXPECT_EQ(by_default.pixels, elevation.pixels);
    EXPECT_NE(viridis.pixels, elevation.pixels);
    EXPECT_EQ(by_default.at(0, 0, 3), 0);  // the nodata pixel is transparent
    EXPECT_EQ(grey.at(19, 5, 3), 255);
    // Grey stretch: high values are light, low values dark; R == G == B.
    EXPECT_GT(grey.at(19, 5, 0), 200);
    EXPECT_LT(grey.at(1, 5, 0), 40);
    EXPECT_EQ(grey.at(10, 5, 0), grey.at(10, 5, 1));
    // An RGB layer has only its default style.
    const auto rgb_style =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world"
            "&STYLES=viridis&CRS=CRS:84&BBOX=-20,-10,20,10&WIDTH=20&HEIGHT=10"
            "&FORMAT=image/png");
    EXPECT_NE(rgb_style.body.find("code=\"StyleNotDefined\""), std::string::npos);
}

TEST_F(GetMapConformance, BlankAndInimageExceptions) {
    const std::string bad_layer =
        "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=nowhere&STYLES=&CRS=CRS:84"
        "&BBOX=-180,-90,180,90&WIDTH=40&HEIGHT=30&FORMAT=image/png&BGCOLOR=0x00FF00";
    const auto blank = image(get(bad_layer + "&EXCEPTIONS=BLANK"));
    ASSERT_EQ(blank.width, 40);
    ASSERT_EQ(blank.height, 30);
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) ASSERT_EQ(blank.at(x, y, 1), 255);
    const auto inimage = image(get(bad_layer + "&EXCEPTIONS=INIMAGE"));
    ASSERT_EQ(inimage.width, 40);
    int written = 0;
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 40; ++x) written += inimage.at(x, y, 1) != 255;
    EXPECT_GT(written, 10);  // the message is drawn in it
    // 1.1.1 names, and a transparent blank.
    const auto v111 =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=nowhere&STYLES=&SRS=EPSG:4326"
            "&BBOX=-180,-90,180,90&WIDTH=40&HEIGHT=30&FORMAT=image/png&TRANSPARENT=TRUE"
            "&EXCEPTIONS=application/vnd.ogc.se_blank");
    EXPECT_EQ(image(v111).at(3, 3, 3), 0);
    const auto se_xml =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=nowhere&STYLES=&SRS=EPSG:4326"
            "&BBOX=-180,-90,180,90&WIDTH=40&HEIGHT=30&FORMAT=image/png"
            "&EXCEPTIONS=application/vnd.ogc.se_xml");
    EXPECT_EQ(se_xml.content_type, "application/vnd.ogc.se_xml");
    EXPECT_NE(se_xml.body.find("code=\"LayerNotDefined\""), std::string::npos);
    // A picture the request cannot describe falls back to XML.
    const auto no_size =
        get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES="
            "&CRS=CRS:84&BBOX=0,0,1,1&WIDTH=0&HEIGHT=30&FORMAT=image/png"
            "&EXCEPTIONS=INIMAGE");
    EXPECT_EQ(no_size.content_type, "text/xml");
}

TEST_F(GetMapConformance, ForbiddenAndUnknownAreIdenticalAsPicturesToo) {
    const std::string tail =
        "&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=40&HEIGHT=30"
        "&FORMAT=image/png&EXCEPTIONS=INIMAGE";
    const auto forbidden = get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world" + tail,
                               {"alice", {"gray"}});
    const auto unknown = get("/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=zzzzz" + tail,
                             {"alice", {"gray"}});
    EXPECT_EQ(forbidden.body, unknown.body);
}

}  // namespace
}  // namespace wmsgate::wms

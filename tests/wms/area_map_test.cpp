// A layer limited to an area: maps, feature info, capabilities and legends.
#include <gtest/gtest.h>

#include "tests/wms/handler_fixture.hpp"
#include "wms/area.hpp"

namespace wmsgate::wms {
namespace {

class AreaMaps : public test::HandlerTest {
  protected:
    static std::shared_ptr<const Area> area(const std::string& wkt) {
        auto made = Area::from_wkt(wkt, 4326);
        EXPECT_TRUE(made) << (made ? "" : made.error().reason);
        return *made;
    }
    // lon 10..20, lat 10..20: inside gray.tif (lon 0..90, lat 0..45).
    static inline const std::string square = "POLYGON((10 10,20 10,20 20,10 20,10 10))";

    static ClientView limited(const std::string& layer, const std::string& wkt = square) {
        ClientView view = everything();
        view.areas[layer] = area(wkt);
        return view;
    }
    // A 1.1.1 map in EPSG:4326 (x first), 40 x 40 by default.
    static std::string map(const std::string& layers, const std::string& bbox,
                           const std::string& extra = "&FORMAT=image/png&TRANSPARENT=TRUE") {
        return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=" + layers +
               "&STYLES=&SRS=EPSG:4326&BBOX=" + bbox + "&WIDTH=40&HEIGHT=40" + extra;
    }
};

TEST_F(AreaMaps, PixelsOutsideTheAreaAreEmpty) {
    // Map over lon 0..40, lat 0..40: one map pixel per degree, the area is
    // columns 10..19 and rows 20..29.
    const auto whole = test::decode_png(get(map("world", "0,0,40,40")).body);
    const auto clipped = test::decode_png(get(map("world", "0,0,40,40"), limited("world")).body);
    ASSERT_EQ(clipped.bands, 4);
    for (int y = 0; y < 40; ++y) {
        for (int x = 0; x < 40; ++x) {
            const bool inside = x >= 10 && x < 20 && y >= 20 && y < 30;
            for (int b = 0; b < 4; ++b) {
                if (inside) {
                    ASSERT_EQ(clipped.at(x, y, b), whole.at(x, y, b)) << x << "," << y;
                } else {
                    ASSERT_EQ(clipped.at(x, y, 3), 0) << x << "," << y;
                }
            }
        }
    }
}

TEST_F(AreaMaps, OpaqueMapsShowTheBackgroundOutside) {
    const auto clipped = test::decode_png(
        get(map("world", "0,0,40,40", "&FORMAT=image/png&BGCOLOR=0x102030"), limited("world"))
            .body);
    ASSERT_EQ(clipped.bands, 3);
    EXPECT_EQ(clipped.at(0, 0, 0), 0x10);
    EXPECT_EQ(clipped.at(0, 0, 1), 0x20);
    EXPECT_EQ(clipped.at(0, 0, 2), 0x30);
    EXPECT_EQ(clipped.at(20, 25, 2), 0x30);  // just right of the area
    EXPECT_NE(clipped.at(15, 25, 2), 0x30);  // inside: world's colours
}

TEST_F(AreaMaps, WhollyOutsideIsByteForByteAMapWithoutData) {
    // gray.tif has no data west of lon 0; the second map lies over its data
    // but outside the client's area.
    for (const std::string format :
         {"&FORMAT=image/png&TRANSPARENT=TRUE", "&FORMAT=image/png", "&FORMAT=image/jpeg",
          "&FORMAT=image/png%3B%20mode%3D8bit&TRANSPARENT=TRUE"}) {
        const auto nodata = get(map("gray", "-60,-40,-40,-20", format), limited("gray"));
        const auto outside = get(map("gray", "50,30,70,40", format), limited("gray"));
        ASSERT_EQ(outside.status, 200u);
        EXPECT_EQ(outside.body, nodata.body) << format;
        const auto inside = get(map("gray", "5,5,25,25", format), limited("gray"));
        EXPECT_NE(inside.body, nodata.body) << format;
    }
}

TEST_F(AreaMaps, MasksEveryLayerByItsOwnArea) {
    // world limited, gray whole: outside world's area, gray still shows.
    const auto both = test::decode_png(get(map("world,gray", "0,0,40,40"), limited("world")).body);
    EXPECT_EQ(both.at(30, 5, 3), 255);  // gray's data, no area of its own
    const auto world_only =
        test::decode_png(get(map("world", "-40,-40,0,0"), limited("world")).body);
    EXPECT_EQ(world_only.at(5, 5, 3), 0);
}

TEST_F(AreaMaps, FeatureInfoOutsideTheAreaIsAsOutsideTheData) {
    const auto info = [](const std::string& bbox, int i, int j) {
        return "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.1.1&LAYERS=gray&STYLES="
               "&SRS=EPSG:4326&BBOX=" +
               bbox +
               "&WIDTH=40&HEIGHT=40&FORMAT=image/png&QUERY_LAYERS=gray&X=" + std::to_string(i) +
               "&Y=" + std::to_string(j) + "&INFO_FORMAT=application/json";
    };
    const auto view = limited("gray");
    const auto nodata = get(info("-60,-40,-40,-20", 5, 5), view);
    const auto outside = get(info("0,0,40,40", 25, 5), view);  // lon 25.5, lat 34.5
    EXPECT_EQ(outside.body, nodata.body);
    const auto inside = get(info("0,0,40,40", 15, 25), view);  // lon 15.5, lat 14.5
    EXPECT_NE(inside.body.find("band_1"), std::string::npos) << inside.body;
    // The same pixel seen whole has data.
    EXPECT_NE(get(info("0,0,40,40", 25, 5)).body.find("band_1"), std::string::npos);
    // The pixel rule is the map's: column 19 is inside, column 20 is not.
    EXPECT_NE(get(info("0,0,40,40", 19, 25), view).body.find("band_1"), std::string::npos);
    EXPECT_EQ(get(info("0,0,40,40", 20, 25), view).body, nodata.body);
}

TEST_F(AreaMaps, CapabilitiesBoxesAreTheDataInsideTheArea) {
    const std::string caps = "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0";
    // lon 80..100, lat 40..50 meets gray (lon 0..90, lat 0..45) in 80..90, 40..45.
    const auto doc = get(caps, limited("gray", "POLYGON((80 40,100 40,100 50,80 50,80 40))")).body;
    const auto layer = doc.substr(doc.find("<Name>gray</Name>"));
    const auto box = layer.substr(0, layer.find("</Layer>"));
    EXPECT_NE(box.find("<westBoundLongitude>80</westBoundLongitude>"), std::string::npos) << box;
    EXPECT_NE(box.find("<eastBoundLongitude>90</eastBoundLongitude>"), std::string::npos) << box;
    EXPECT_NE(box.find("<southBoundLatitude>40</southBoundLatitude>"), std::string::npos) << box;
    EXPECT_NE(box.find("<northBoundLatitude>45</northBoundLatitude>"), std::string::npos) << box;
    // EPSG:4326 in 1.3.0 is lat/lon.
    EXPECT_NE(box.find("CRS=\"EPSG:4326\" minx=\"40\" miny=\"80\" maxx=\"45\" maxy=\"90\""),
              std::string::npos)
        << box;
    // 1.1.1 too.
    const auto old = get("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1",
                         limited("gray", "POLYGON((80 40,100 40,100 50,80 50,80 40))"))
                         .body;
    EXPECT_NE(old.find("<LatLonBoundingBox minx=\"80\" miny=\"40\" maxx=\"90\" maxy=\"45\"/>"),
              std::string::npos);
}

TEST_F(AreaMaps, UpdateSequenceFollowsWhatTheClientSees) {
    const std::string caps = "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0";
    const auto sequence = [&](const ClientView& view) {
        const auto body = get(caps, view).body;
        const auto at = body.find("updateSequence=\"");
        EXPECT_NE(at, std::string::npos);
        return at == std::string::npos ? std::string() : body.substr(at + 16, 16);
    };
    const auto whole = sequence(everything());
    EXPECT_EQ(whole.size(), 16u);
    EXPECT_EQ(sequence(everything()), whole);
    const auto square_seq = sequence(limited("gray"));
    EXPECT_NE(square_seq, whole);
    EXPECT_EQ(sequence(limited("gray")), square_seq);
    // A different area whose boxes are the same still changes it: the maps differ.
    const auto holed = sequence(limited(
        "gray", "POLYGON((10 10,20 10,20 20,10 20,10 10),(12 12,14 12,14 14,12 14,12 12))"));
    EXPECT_NE(holed, square_seq);
    EXPECT_NE(sequence({"tester", {"world", "gray"}}), whole);
    // The client's current sequence is answered as current, in either version.
    const auto current = get(caps + "&UPDATESEQUENCE=" + square_seq, limited("gray"));
    EXPECT_NE(current.body.find("CurrentUpdateSequence"), std::string::npos) << current.body;
    const auto v111 =
        get("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1&UPDATESEQUENCE=" + square_seq,
            limited("gray"));
    EXPECT_NE(v111.body.find("CurrentUpdateSequence"), std::string::npos);
    const auto stale = get(caps + "&UPDATESEQUENCE=" + whole, limited("gray"));
    EXPECT_NE(stale.body.find("<WMS_Capabilities"), std::string::npos);
}

TEST_F(AreaMaps, LegendIsUnaffected) {
    const std::string legend =
        "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.1.1&FORMAT=image/png&LAYER=gray";
    EXPECT_EQ(get(legend, limited("gray")).body, get(legend).body);
}

}  // namespace
}  // namespace wmsgate::wms

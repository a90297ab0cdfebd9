#include "wms/area.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>

#include "tests/wms/test_datasets.hpp"
#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

std::shared_ptr<const Area> wkt_area(const std::string& wkt, int epsg = 4326) {
    auto area = Area::from_wkt(wkt, epsg);
    EXPECT_TRUE(area) << (area ? "" : area.error().reason);
    return area ? *area : nullptr;
}

std::size_t count(const AreaMask& mask) {
    if (mask.cover == AreaMask::Cover::all) return std::size_t(mask.width) * mask.height;
    std::size_t n = 0;
    for (const auto b : mask.inside) n += b;
    return n;
}

bool at(const AreaMask& mask, unsigned x, unsigned y) {
    if (mask.cover != AreaMask::Cover::part) return mask.cover == AreaMask::Cover::all;
    return mask.inside[std::size_t(y) * mask.width + x] != 0;
}

// Pixel centres of a 20 x 20 map over 0..20 lie on half units.
const MapBox grid{0, 0, 20, 20};

TEST(AreaMask, PixelsWhoseCentreIsInside) {
    const auto area = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const auto mask = area->mask(4326, grid, 20, 20);
    ASSERT_EQ(mask.cover, AreaMask::Cover::part);
    EXPECT_EQ(count(mask), 100u);
    EXPECT_TRUE(at(mask, 0, 19));  // bottom left
    EXPECT_TRUE(at(mask, 9, 10));  // the area's top right pixel
    EXPECT_FALSE(at(mask, 10, 10));
    EXPECT_FALSE(at(mask, 9, 9));
    EXPECT_EQ(mask.row_touched[9], 0);
    EXPECT_EQ(mask.row_touched[10], 1);
}

TEST(AreaMask, CentresOnAnEdgeBelongToOneSideOnly) {
    // Edges through pixel centres: x = 2.5 and y = 17.5 (row 2's centre).
    const auto left = wkt_area("POLYGON((0.5 0,2.5 0,2.5 17.5,0.5 17.5,0.5 0))");
    const auto right = wkt_area("POLYGON((2.5 0,4.5 0,4.5 17.5,2.5 17.5,2.5 0))");
    const auto a = left->mask(4326, grid, 20, 20);
    const auto b = right->mask(4326, grid, 20, 20);
    for (unsigned y = 0; y < 20; ++y)
        for (unsigned x = 0; x < 20; ++x) EXPECT_FALSE(at(a, x, y) && at(b, x, y)) << x << "," << y;
    // Left and top edges are inside, right and bottom ones outside.
    EXPECT_TRUE(at(a, 0, 2));
    EXPECT_TRUE(at(a, 1, 2));
    EXPECT_FALSE(at(a, 2, 2));
    EXPECT_TRUE(at(b, 2, 2));
    EXPECT_FALSE(at(a, 0, 1));
    EXPECT_TRUE(at(a, 0, 19));
    EXPECT_EQ(count(a), 2u * 18);
}

TEST(AreaMask, WhollyInsideAndWhollyOutside) {
    const auto area = wkt_area("POLYGON((-5 -5,25 -5,25 25,-5 25,-5 -5))");
    EXPECT_EQ(area->mask(4326, grid, 20, 20).cover, AreaMask::Cover::all);
    EXPECT_TRUE(area->mask(4326, grid, 20, 20).inside.empty());
    EXPECT_EQ(area->mask(4326, {30, 30, 40, 40}, 20, 20).cover, AreaMask::Cover::none);
    // Around the map, but not over it: a ring whose hole holds the map.
    const auto ring =
        wkt_area("POLYGON((-50 -50,50 -50,50 50,-50 50,-50 -50),(-1 -1,21 -1,21 21,-1 21,-1 -1))");
    EXPECT_EQ(ring->mask(4326, grid, 20, 20).cover, AreaMask::Cover::none);
}

TEST(AreaMask, HolesAreOutside) {
    const auto area = wkt_area("POLYGON((0 0,20 0,20 20,0 20,0 0),(5 5,15 5,15 15,5 15,5 5))");
    const auto mask = area->mask(4326, grid, 20, 20);
    EXPECT_EQ(count(mask), 400u - 100u);
    EXPECT_FALSE(at(mask, 10, 10));
    EXPECT_TRUE(at(mask, 2, 10));
}

// A render thread keeps one mask and fills it map after map: nothing of the
// map before may show through.
TEST(AreaMask, AReusedMaskEqualsAFreshOne) {
    const auto band = wkt_area("POLYGON((0 0,20 0,20 10,0 10,0 0))");
    const auto square = wkt_area("POLYGON((12 2,18 2,18 8,12 8,12 2))");
    AreaMask reused;
    band->mask(4326, grid, 20, 20, reused);
    ASSERT_EQ(reused.cover, AreaMask::Cover::part);
    square->mask(4326, grid, 20, 20, reused);
    const auto fresh = square->mask(4326, grid, 20, 20);
    EXPECT_EQ(reused.inside, fresh.inside);
    EXPECT_EQ(reused.row_touched, fresh.row_touched);
    EXPECT_EQ(count(reused), 36u);
}

TEST(AreaMask, OnePixelAnswerAgreesWithTheMask) {
    // A star with 200 points, edges at every angle.
    std::string wkt = "POLYGON((";
    for (int k = 0; k <= 200; ++k) {
        const double angle = 2 * M_PI * (k % 200) / 200;
        const double r = k % 2 ? 9.3 : 4.1;
        wkt += (k ? "," : "") + std::to_string(10 + r * std::cos(angle)) + " " +
               std::to_string(10 + r * std::sin(angle));
    }
    const auto area = wkt_area(wkt + "))");
    const auto mask = area->mask(4326, grid, 40, 30);
    ASSERT_EQ(mask.cover, AreaMask::Cover::part);
    const auto outline = area->outline(4326);
    for (unsigned y = 0; y < 30; ++y)
        for (unsigned x = 0; x < 40; ++x)
            EXPECT_EQ(outline->covers_pixel(grid, 40, 30, x, y), at(mask, x, y)) << x << "," << y;
}

TEST(AreaMask, OnePixelAnswerAgreesOnEdgesThroughCentres) {
    // Every vertex on a pixel centre: all ties, decided alike.
    const auto area =
        wkt_area("POLYGON((2.5 2.5,12.5 2.5,12.5 7.5,6.5 7.5,6.5 15.5,2.5 15.5,2.5 2.5))");
    const auto mask = area->mask(4326, grid, 20, 20);
    const auto outline = area->outline(4326);
    for (unsigned y = 0; y < 20; ++y)
        for (unsigned x = 0; x < 20; ++x)
            EXPECT_EQ(outline->covers_pixel(grid, 20, 20, x, y), at(mask, x, y)) << x << "," << y;
    EXPECT_EQ(count(mask), 10u * 5 + 4u * 8);
}

// Even-odd over every ring by a ray to the right: the plain definition,
// with none of the mask's bands, ordering or parity bookkeeping.
bool inside_by_ray(const std::vector<std::vector<Point>>& rings, double x, double y) {
    bool in = false;
    for (const auto& ring : rings)
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            const Point& a = ring[i];
            const Point& b = ring[j];
            if ((a.y > y) != (b.y > y) && x < a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y)) in = !in;
        }
    return in;
}

TEST(AreaMask, AgreesWithARayTestOnManyMaps) {
    // A wavy ring of 3,000 vertices (hundreds of index bands) with a hole,
    // and an island; maps of every size and place, so that edges fall
    // left of, right of, across and around each map.
    std::vector<std::vector<Point>> rings(3);
    for (int k = 0; k < 3000; ++k) {
        const double a = 2 * M_PI * k / 3000;
        const double r = 6 * (1 + 0.08 * std::sin(37 * a) + 0.03 * std::sin(411 * a));
        rings[0].push_back({10 + r * std::cos(a), 50 + 0.7 * r * std::sin(a)});
    }
    for (int k = 0; k < 300; ++k) {
        const double a = -2 * M_PI * k / 300;
        rings[1].push_back({10 + 1.5 * std::cos(a) + 0.2 * std::sin(7 * a), 50 + std::sin(a)});
    }
    rings[2] = {{20.1, 40.3}, {22.2, 40.1}, {22.3, 41.4}, {21.1, 40.6}, {20.2, 41.3}};
    const AreaOutline outline(rings);
    AreaMask mask;
    unsigned seed = 12345;
    const auto next = [&seed](unsigned range) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % range;
    };
    std::size_t checked = 0, inside = 0;
    for (int map = 0; map < 120; ++map) {
        const double x = 0.37 + next(2400) / 100.0, y = 38.41 + next(2200) / 100.0;
        const double w = 0.013 + next(1200) / 97.0, h = 0.011 + next(1200) / 101.0;
        const unsigned width = 1 + next(90), height = 1 + next(90);
        const MapBox box{x, y, x + w, y + h};
        outline.mask(box, width, height, mask);
        for (unsigned row = 0; row < height; ++row)
            for (unsigned col = 0; col < width; ++col) {
                const double cx = box.minx + (col + 0.5) * w / width;
                const double cy = box.maxy - (row + 0.5) * h / height;
                const bool expected = inside_by_ray(rings, cx, cy);
                ASSERT_EQ(at(mask, col, row), expected)
                    << "map " << map << ", pixel " << col << "," << row;
                ++checked;
                inside += expected;
            }
    }
    // The maps must have exercised both answers, and many pixels.
    EXPECT_GT(checked, 100000u);
    EXPECT_GT(inside, checked / 10);
    EXPECT_LT(inside, checked - checked / 10);
}

TEST(AreaUnion, CoversWhatEitherCovers) {
    const auto a = wkt_area("POLYGON((0 0,8 0,8 8,0 8,0 0))");
    const auto b = wkt_area("POLYGON((5 5,15 5,15 15,5 15,5 5))");
    const auto c = wkt_area("POLYGON((17 0,19 0,19 3,17 3,17 0))");
    const auto both = Area::union_of({a, b, c});
    ASSERT_TRUE(both);
    const auto ma = a->mask(4326, grid, 20, 20), mb = b->mask(4326, grid, 20, 20),
               mc = c->mask(4326, grid, 20, 20), mu = both->mask(4326, grid, 20, 20);
    for (unsigned y = 0; y < 20; ++y)
        for (unsigned x = 0; x < 20; ++x)
            EXPECT_EQ(at(mu, x, y), at(ma, x, y) || at(mb, x, y) || at(mc, x, y)) << x << "," << y;
    EXPECT_EQ(count(mu), 64u + 100u - 9u + 6u);
    EXPECT_EQ(Area::union_of({a}), a);
    EXPECT_FALSE(Area::union_of({}));
}

TEST(AreaUnion, OfAreasInDifferentCrss) {
    // b is lon 10..20 in Web Mercator; the union is in a's CRS (4326).
    const auto a = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const auto b = wkt_area(
        "POLYGON((1113194.9 0,2226389.8 0,2226389.8 1118889.97,1113194.9 1118889.97,1113194.9 0))",
        3857);
    const auto both = Area::union_of({a, b});
    ASSERT_TRUE(both);
    const auto mask = both->mask(4326, grid, 20, 20);
    EXPECT_EQ(count(mask), 200u);
}

TEST(AreaEnvelope, ClippedToTheBox) {
    const auto area = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const auto outline = area->outline(4326);
    EXPECT_EQ(outline->clipped_envelope({5, -20, 30, 8}), (MapBox{5, 0, 10, 8}));
    EXPECT_EQ(outline->clipped_envelope({-100, -100, 100, 100}), (MapBox{0, 0, 10, 10}));
    EXPECT_EQ(outline->clipped_envelope({2, 2, 4, 4}), (MapBox{2, 2, 4, 4}));  // box inside
    EXPECT_FALSE(outline->clipped_envelope({20, 20, 30, 30}));
    EXPECT_FALSE(outline->clipped_envelope({10, 0, 20, 10}));  // touching is no overlap
    // A triangle: its part of the box is narrower than the box.
    const auto triangle = wkt_area("POLYGON((0 0,10 0,0 10,0 0))")->outline(4326);
    EXPECT_EQ(triangle->clipped_envelope({-5, 8, 20, 20}), (MapBox{0, 8, 2, 10}));
}

TEST(AreaFingerprint, FollowsTheGeometry) {
    const auto a = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const auto same = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    const auto moved = wkt_area("POLYGON((0 0,10 0,10 11,0 10,0 0))");
    const auto other_crs = wkt_area("POLYGON((0 0,10 0,10 10,0 10,0 0))", 3857);
    EXPECT_EQ(a->fingerprint(), same->fingerprint());
    EXPECT_NE(a->fingerprint(), moved->fingerprint());
    EXPECT_NE(a->fingerprint(), other_crs->fingerprint());
}

// Area files written with OGR, as an admin's tools would.
class AreaFiles : public ::testing::Test {
  protected:
    void SetUp() override { ensure_gdal_registered(); }

    // One layer in EPSG:`epsg` (0: none) with a feature per WKT geometry.
    std::string write(const std::string& name, const std::string& driver_name, int epsg,
                      const std::vector<std::string>& wkts) {
        const std::string path = dir_.file(name);
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
        EXPECT_NE(driver, nullptr);
        GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        EXPECT_TRUE(ds);
        OGRSpatialReference srs;
        if (epsg != 0) {
            srs.importFromEPSG(epsg);
            srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        }
        OGRLayer* layer = ds->CreateLayer("area", epsg != 0 ? &srs : nullptr, wkbUnknown, nullptr);
        for (const auto& wkt : wkts) {
            OGRFeature feature(layer->GetLayerDefn());
            OGRGeometry* geometry = nullptr;
            OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &geometry);
            feature.SetGeometryDirectly(geometry);
            EXPECT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
        }
        return path;
    }

    test::TempDir dir_{"wmsgate-area"};
};

TEST_F(AreaFiles, AllFeaturesFormTheArea) {
    const auto path =
        write("two.gpkg", "GPKG", 4326,
              {"POLYGON((0 0,8 0,8 8,0 8,0 0))",
               "MULTIPOLYGON(((5 5,15 5,15 15,5 15,5 5)),((17 0,19 0,19 3,17 3,17 0)))"});
    const auto area = Area::load(path);
    ASSERT_TRUE(area) << area.error().reason;
    EXPECT_EQ(count((*area)->mask(4326, grid, 20, 20)), 64u + 100u - 9u + 6u);
}

TEST_F(AreaFiles, InItsOwnCrs) {
    // lon 2..6, lat 2..6 as Web Mercator metres: a Mercator rectangle is a
    // lon/lat rectangle, so the 4326 mask is the same 4 x 4 pixels.
    const auto mercator = [](double lon, double lat) {
        const double r = 6378137.0;
        return std::to_string(r * lon * M_PI / 180) + " " +
               std::to_string(r * std::log(std::tan(M_PI / 4 + lat * M_PI / 360)));
    };
    const std::string ring = mercator(2, 2) + "," + mercator(6, 2) + "," + mercator(6, 6) + "," +
                             mercator(2, 6) + "," + mercator(2, 2);
    const auto path = write("mercator.geojson", "GeoJSON", 3857, {"POLYGON((" + ring + "))"});
    const auto area = Area::load(path);
    ASSERT_TRUE(area) << area.error().reason;
    const auto mask = (*area)->mask(4326, grid, 20, 20);
    EXPECT_EQ(count(mask), 16u);
    EXPECT_TRUE(at(mask, 2, 17));
    EXPECT_TRUE(at(mask, 5, 14));
    EXPECT_FALSE(at(mask, 6, 14));
    // And in UTM zone 31N, where lon 2..6 lies: same area, other numbers.
    const auto utm = (*area)->outline(32631)->envelope();
    ASSERT_TRUE(utm);
    EXPECT_NEAR(utm->miny, 221000, 1000);  // lat 2 deg is about 221 km north
    EXPECT_NEAR(utm->minx, 389000, 1000);  // lon 2 is 1 deg west of the zone's 3 deg E
}

TEST_F(AreaFiles, AreasAcrossTheMercatorLimitStillShowTheirPart) {
    const auto area = wkt_area("POLYGON((0 0,10 0,10 90,0 90,0 0))");
    const auto outline = area->outline(3857);
    ASSERT_FALSE(outline->empty());
    EXPECT_GT(outline->envelope()->maxy, 1.9e7);
}

TEST_F(AreaFiles, BadFilesAreRefusedWithTheReason) {
    const auto reason = [](const std::string& path) {
        auto area = Area::load(path);
        EXPECT_FALSE(area);
        return area ? std::string() : area.error().reason;
    };
    EXPECT_NE(reason(dir_.file("missing.gpkg")).find("cannot open"), std::string::npos);
    const auto line = write("line.gpkg", "GPKG", 4326, {"LINESTRING(0 0,1 1)"});
    EXPECT_NE(reason(line).find("is a Line String, not a polygon"), std::string::npos)
        << reason(line);
    const auto bowtie = write("bowtie.gpkg", "GPKG", 4326, {"POLYGON((0 0,10 10,10 0,0 10,0 0))"});
    EXPECT_NE(reason(bowtie).find("not a valid polygon"), std::string::npos);
    const auto no_crs = write("nocrs.shp", "ESRI Shapefile", 0, {"POLYGON((0 0,1 0,1 1,0 0))"});
    EXPECT_NE(reason(no_crs).find("has no CRS"), std::string::npos) << reason(no_crs);
    const auto empty = write("empty.gpkg", "GPKG", 4326, {});
    EXPECT_NE(reason(empty).find("has no polygons"), std::string::npos);
    std::ofstream(dir_.file("text.geojson")) << "not json";
    EXPECT_NE(reason(dir_.file("text.geojson")).find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace wmsgate::wms

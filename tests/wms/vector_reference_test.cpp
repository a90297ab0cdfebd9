// Coverage of polygons drawn by wmsgate against GDAL's own rasteriser
// (GDALRasterize, the library behind gdal_rasterize): where wmsgate covers
// a pixel wholly, the pixel's centre must be inside (GDAL burns it); where
// it leaves a pixel clear, GDAL must too. Only edge pixels, partly covered
// under anti-aliasing, may differ.
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <random>

#include "tests/wms/vector_datasets.hpp"
#include "wms/handler.hpp"

namespace wmsgate::wms::test {
namespace {

// Irregular polygons, some with a hole, in EPSG:4326 around (0, 0).
std::string make_polygons(const TempDir& dir) {
    const std::string path = dir.file("shapes.gpkg");
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = dataset->CreateLayer("shapes", &wgs84, wkbPolygon, nullptr);
    std::mt19937 random(42);
    std::uniform_real_distribution<double> where(-50, 50), size(1, 8), jitter(0.6, 1.0);
    for (int n = 0; n < 150; ++n) {
        const double cx = where(random), cy = where(random), r = size(random);
        OGRLinearRing outer, hole;
        for (int k = 0; k < 12; ++k) {
            const double angle = k * M_PI / 6, f = jitter(random);
            outer.addPoint(cx + r * f * std::cos(angle), cy + r * f * std::sin(angle));
        }
        outer.closeRings();
        OGRPolygon polygon;
        polygon.addRing(&outer);
        if (n % 3 == 0) {
            for (int k = 0; k < 6; ++k)
                hole.addPoint(cx + 0.4 * r * std::cos(-k * M_PI / 3),
                              cy + 0.4 * r * std::sin(-k * M_PI / 3));
            hole.closeRings();
            polygon.addRing(&hole);
        }
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetGeometry(&polygon);
        EXPECT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
    }
    return path;
}

// The polygons in another CRS, through ogr2ogr's library entry point
// (gdal_rasterize burns coordinates as they are).
std::string reprojected(const std::string& source, const TempDir& dir, const std::string& srs) {
    const std::string out = dir.file("shapes-" + srs.substr(5) + ".gpkg");
    char* argv[] = {const_cast<char*>("-t_srs"), const_cast<char*>(srs.c_str()), nullptr};
    GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(argv, nullptr);
    GDALDatasetH in = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    GDALDatasetH made = GDALVectorTranslate(out.c_str(), nullptr, 1, &in, options, nullptr);
    GDALVectorTranslateOptionsFree(options);
    EXPECT_NE(made, nullptr);
    if (made != nullptr) GDALClose(made);
    GDALClose(in);
    return out;
}

// GDAL's answer: 255 where a pixel's centre lies inside a polygon.
std::vector<std::uint8_t> gdal_rasterize(const std::string& wgs84_source, const TempDir& dir,
                                         const std::string& srs, const MapBox& box, int size) {
    const std::string source =
        srs == "EPSG:4326" ? wgs84_source : reprojected(wgs84_source, dir, srs);
    const std::string out = dir.file("burned-" + srs.substr(5) + ".tif");
    const std::vector<std::string> args = {"-burn",
                                           "255",
                                           "-ot",
                                           "Byte",
                                           "-of",
                                           "GTiff",
                                           "-a_srs",
                                           srs,
                                           "-te",
                                           std::to_string(box.minx),
                                           std::to_string(box.miny),
                                           std::to_string(box.maxx),
                                           std::to_string(box.maxy),
                                           "-ts",
                                           std::to_string(size),
                                           std::to_string(size)};
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    GDALRasterizeOptions* options = GDALRasterizeOptionsNew(argv.data(), nullptr);
    GDALDatasetH in = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    GDALDatasetH burned = GDALRasterize(out.c_str(), nullptr, in, options, nullptr);
    GDALRasterizeOptionsFree(options);
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(size) * size);
    EXPECT_NE(burned, nullptr);
    if (burned != nullptr) {
        EXPECT_EQ(GDALRasterIO(GDALGetRasterBand(burned, 1), GF_Read, 0, 0, size, size,
                               pixels.data(), size, size, GDT_Byte, 0, 0),
                  CE_None);
        GDALClose(burned);
    }
    GDALClose(in);
    return pixels;
}

struct Agreement {
    int covered_by_both = 0;
    int contradictions = 0;  // wholly covered by one, wholly clear in the other
    int edges = 0;           // partly covered by wmsgate
};

void compare(const std::string& crs, int epsg, const MapBox& box) {
    TempDir dir("wmsgate-vector-ref");
    const std::string source = make_polygons(dir);
    LayerConfig config = layer("shapes", "shapes", source);
    config.source_layer = "shapes";
    config.rules = {rule("", Rgba{255, 0, 0, 255})};
    ServiceConfig service;
    service.layers = {config};
    auto catalog = LayerCatalog::open(service.layers);
    ASSERT_TRUE(catalog);
    const Handler handler(service, std::move(*catalog));
    constexpr int size = 256;
    const auto response = handler.handle(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=shapes&STYLES=&SRS=" + crs +
            "&BBOX=" + std::to_string(box.minx) + "," + std::to_string(box.miny) + "," +
            std::to_string(box.maxx) + "," + std::to_string(box.maxy) +
            "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE",
        {"tester", {"shapes"}});
    const auto ours = decode_png(response.body);
    ASSERT_EQ(ours.bands, 4);
    const auto theirs = gdal_rasterize(source, dir, "EPSG:" + std::to_string(epsg), box, size);
    Agreement a;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const int alpha = ours.at(x, y, 3);
            const bool burned = theirs[static_cast<std::size_t>(y) * size + x] != 0;
            if (alpha == 255 && burned) ++a.covered_by_both;
            if ((alpha == 255 && !burned) || (alpha == 0 && burned)) ++a.contradictions;
            if (alpha != 0 && alpha != 255) ++a.edges;
        }
    }
    EXPECT_GT(a.covered_by_both, 5000) << crs;  // the shapes are really there
    EXPECT_EQ(a.contradictions, 0) << crs;
    // Edges are a thin share of the map (about one pixel around each shape).
    EXPECT_LT(a.edges, size * size / 5) << crs;
}

TEST(VectorReference, CoverageAgreesWithGdalRasterizeInTheLayersCrs) {
    compare("EPSG:4326", 4326, {-55, -55, 55, 55});
}

TEST(VectorReference, CoverageAgreesWithGdalRasterizeReprojected) {
    compare("EPSG:3857", 3857, {-6000000, -6000000, 6000000, 6000000});
}

}  // namespace
}  // namespace wmsgate::wms::test

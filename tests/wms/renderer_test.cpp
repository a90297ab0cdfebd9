// Rendering of real (small) GDAL datasets made by each test: colour tables,
// and datasets that turn corrupt while the server is using them.
#include "wms/renderer.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/wms/test_datasets.hpp"
#include "tests/wms/xmllint.hpp"
#include "wms/area.hpp"
#include "wms/handler.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {
namespace {

using test::decode_png;

using test::TempDir;

// A GeoTIFF in EPSG:4326 with one-degree pixels, its top-left corner at
// (0, size): the map box "0,0,size,size" in CRS:84 shows it pixel for pixel.
GDALDatasetUniquePtr create_geotiff(const std::string& path, int size, int bands,
                                    const std::vector<std::string>& options = {}) {
    GDALAllRegister();
    std::vector<const char*> list;
    for (const auto& option : options) list.push_back(option.c_str());
    list.push_back(nullptr);
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr dataset(
        gtiff->Create(path.c_str(), size, size, bands, GDT_Byte, const_cast<char**>(list.data())));
    if (!dataset) return dataset;
    double gt[6] = {0, 1, 0, static_cast<double>(size), 0, -1};
    dataset->SetGeoTransform(gt);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    dataset->SetSpatialRef(&wgs84);
    return dataset;
}

// 32x32 indices: 0 (red) in the west half, 1 (blue) in the east half, and
// 2 (the nodata index) in the north-west 8x8 corner.
void write_palette_raster(const std::string& path) {
    auto dataset = create_geotiff(path, 32, 1);
    ASSERT_TRUE(dataset);
    GDALRasterBand* band = dataset->GetRasterBand(1);
    GDALColorTable table;
    const GDALColorEntry red{255, 0, 0, 255}, blue{0, 0, 255, 255}, unused{0, 255, 0, 255};
    table.SetColorEntry(0, &red);
    table.SetColorEntry(1, &blue);
    table.SetColorEntry(2, &unused);
    ASSERT_EQ(band->SetColorTable(&table), CE_None);
    ASSERT_EQ(band->SetColorInterpretation(GCI_PaletteIndex), CE_None);
    ASSERT_EQ(band->SetNoDataValue(2), CE_None);
    std::vector<std::uint8_t> indices(32 * 32);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x)
            indices[static_cast<std::size_t>(y * 32 + x)] = x < 8 && y < 8 ? 2 : (x < 16 ? 0 : 1);
    ASSERT_EQ(
        band->RasterIO(GF_Write, 0, 0, 32, 32, indices.data(), 32, 32, GDT_Byte, 0, 0, nullptr),
        CE_None);
}

// 512x512 RGB, DEFLATE-compressed tiles of 256x256: a corrupt tile then
// fails to decompress instead of reading as other pixels.
void write_tiled_rgb(const std::string& path) {
    auto dataset = create_geotiff(
        path, 512, 3, {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE"});
    ASSERT_TRUE(dataset);
    std::vector<std::uint8_t> values(512 * 512);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<std::uint8_t>((i * 7919) >> 3);
    for (int b = 1; b <= 3; ++b)
        ASSERT_EQ(dataset->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, 512, 512, values.data(), 512,
                                                      512, GDT_Byte, 0, 0, nullptr),
                  CE_None);
}

// Overwrites the compressed bytes of tile (column, row) with garbage, as a
// disk error or a half-finished copy would.
void corrupt_tile(const std::string& path, int column, int row) {
    std::uint64_t offset = 0, size = 0;
    {
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        ASSERT_TRUE(dataset);
        const std::string block = std::to_string(column) + "_" + std::to_string(row);
        GDALRasterBand* band = dataset->GetRasterBand(1);
        const char* at = band->GetMetadataItem(("BLOCK_OFFSET_" + block).c_str(), "TIFF");
        const char* bytes = band->GetMetadataItem(("BLOCK_SIZE_" + block).c_str(), "TIFF");
        ASSERT_NE(at, nullptr);
        ASSERT_NE(bytes, nullptr);
        offset = std::stoull(at);
        size = std::stoull(bytes);
    }
    ASSERT_GT(size, 16u);
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(offset));
    const std::string garbage(size, '\xA5');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ASSERT_TRUE(file.good());
}

std::string map_target(const std::string& layer, const std::string& bbox,
                       const std::string& extra = "") {
    return "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=" + layer +
           "&STYLES=&CRS=CRS:84&BBOX=" + bbox + "&WIDTH=32&HEIGHT=32&FORMAT=image/png" + extra;
}

Handler handler_for(const std::vector<LayerConfig>& layers) {
    auto catalog = LayerCatalog::open(layers);
    EXPECT_TRUE(catalog) << catalog.error().subject;
    ServiceConfig service;
    service.layers = layers;
    return Handler(service, catalog ? std::move(*catalog) : LayerCatalog{});
}

TEST(PaletteRaster, IsDrawnInItsColoursNotThroughAStyle) {
    TempDir dir("wmsgate-render");
    const std::string path = dir.file("classes.tif");
    write_palette_raster(path);
    const auto layers = std::vector{test::layer("classes", "Classes", path)};
    const Handler handler = handler_for(layers);
    const LayerInfo* info = handler.catalog().find("classes");
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info->palette);
    EXPECT_EQ(style_names(*info), std::vector<std::string>{"default"});

    const auto response =
        handler.handle(map_target("classes", "0,0,32,32", "&TRANSPARENT=TRUE"), {"t", {"classes"}});
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = decode_png(response.body);
    ASSERT_EQ(image.bands, 4);
    // West half red, east half blue, exactly (the map is pixel for pixel).
    for (const auto& [x, y] : {std::pair{2, 20}, {12, 30}, {14, 10}}) {
        EXPECT_EQ(image.at(x, y, 0), 255) << x << "," << y;
        EXPECT_EQ(image.at(x, y, 1), 0) << x << "," << y;
        EXPECT_EQ(image.at(x, y, 2), 0) << x << "," << y;
        EXPECT_EQ(image.at(x, y, 3), 255) << x << "," << y;
    }
    for (const auto& [x, y] : {std::pair{17, 2}, {30, 30}}) {
        EXPECT_EQ(image.at(x, y, 0), 0) << x << "," << y;
        EXPECT_EQ(image.at(x, y, 2), 255) << x << "," << y;
    }
    // The nodata index is transparent, not its table colour (green).
    EXPECT_EQ(image.at(3, 3, 3), 0);
}

TEST(PaletteRaster, KeepsItsColoursWhenReprojected) {
    TempDir dir("wmsgate-render");
    const std::string path = dir.file("classes.tif");
    write_palette_raster(path);
    const Handler handler = handler_for({test::layer("classes", "Classes", path)});
    // The same area in Web Mercator: the halves stay red and blue.
    const std::string target =
        "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=classes&STYLES=&CRS=EPSG:3857"
        "&BBOX=0,0,3562223,3763310&WIDTH=32&HEIGHT=32&FORMAT=image/png";
    const auto response = handler.handle(target, {"t", {"classes"}});
    ASSERT_EQ(response.status, 200u) << response.body;
    const auto image = decode_png(response.body);
    EXPECT_EQ(image.at(4, 28, 0), 255);
    EXPECT_EQ(image.at(4, 28, 2), 0);
    EXPECT_EQ(image.at(28, 28, 0), 0);
    EXPECT_EQ(image.at(28, 28, 2), 255);
}

TEST(CorruptDataset, MidUseIsAServerErrorNotAnEmptyMap) {
    TempDir dir("wmsgate-render");
    const std::string path = dir.file("ortho.tif");
    write_tiled_rgb(path);
    const Handler handler = handler_for({test::layer("ortho", "Ortho", path)});
    const ClientView view{"t", {"ortho"}};
    // The layer works, and this thread now holds the dataset open; this box
    // reads the north-west tile only.
    const auto fine = handler.handle(map_target("ortho", "10,400,100,490"), view);
    ASSERT_EQ(fine.status, 200u) << fine.body;

    corrupt_tile(path, 1, 1);
    const auto broken = handler.handle(map_target("ortho", "300,10,500,200"), view);
    EXPECT_EQ(broken.status, 500u);
    EXPECT_NE(broken.body.find("<ServiceExceptionReport"), std::string::npos) << broken.body;
    EXPECT_EQ(broken.body.find("<?xml"), 0u);
    const auto valid = test::xmllint_validate_wms(broken.body);
    EXPECT_EQ(valid.status, 0) << valid.output;
    // One line for the log names the layer and what GDAL said; the client is
    // told nothing of files.
    EXPECT_NE(broken.failure.find("layer 'ortho'"), std::string::npos) << broken.failure;
    EXPECT_NE(broken.failure.find(" (GDAL: "), std::string::npos) << broken.failure;
    EXPECT_EQ(broken.body.find(path), std::string::npos);
    EXPECT_EQ(broken.body.find("GDAL"), std::string::npos) << broken.body;

    // Parts of the file that are intact are still served.
    EXPECT_EQ(handler.handle(map_target("ortho", "10,400,100,490"), view).status, 200u);
}

TEST(CorruptDataset, FeatureInfoCarriesGdalsMessageIntoTheLogLine) {
    TempDir dir("wmsgate-render");
    const std::string path = dir.file("ortho.tif");
    write_tiled_rgb(path);
    const Handler handler = handler_for({test::layer("ortho", "Ortho", path)});
    const ClientView view{"t", {"ortho"}};
    // Pixel (16, 16) of a 32x32 map over `bbox`.
    const auto info = [](const std::string& bbox) {
        return "/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=ortho&STYLES="
               "&CRS=CRS:84&BBOX=" +
               bbox +
               "&WIDTH=32&HEIGHT=32&FORMAT=image/png&QUERY_LAYERS=ortho&I=16&J=16"
               "&INFO_FORMAT=text/plain";
    };
    // This thread now holds the dataset open, having read the north-west
    // tile only (GDAL's block cache would answer a second read of a tile).
    const auto fine = handler.handle(info("10,400,100,490"), view);
    ASSERT_EQ(fine.status, 200u) << fine.body;
    ASSERT_NE(fine.body.find("band_1 = "), std::string::npos) << fine.body;

    corrupt_tile(path, 1, 1);
    const auto broken = handler.handle(info("300,10,500,200"), view);
    EXPECT_EQ(broken.status, 500u) << broken.body;
    EXPECT_EQ(broken.failure.rfind("layer 'ortho': ", 0), 0u) << broken.failure;
    // GDAL's words (the TIFF driver names what failed), on one line.
    const auto gdal = broken.failure.find(" (GDAL: ");
    ASSERT_NE(gdal, std::string::npos) << broken.failure;
    EXPECT_GT(broken.failure.size(), gdal + std::string(" (GDAL: )").size() + 10) << broken.failure;
    EXPECT_EQ(broken.failure.find('\n'), std::string::npos) << broken.failure;
    EXPECT_EQ(broken.body.find("GDAL"), std::string::npos) << broken.body;
}

TEST(CorruptDataset, RenderNamesTheFailingLayer) {
    TempDir dir("wmsgate-render");
    const std::string good = dir.file("good.tif"), bad = dir.file("bad.tif");
    write_tiled_rgb(good);
    write_tiled_rgb(bad);
    corrupt_tile(bad, 0, 0);
    MapJob job;
    job.layers = {{good, Paint{}, nullptr}, {bad, Paint{}, nullptr}};
    job.epsg = 4326;
    job.bbox = {0, 0, 512, 512};
    job.width = job.height = 64;
    const auto image = render_map(job);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().layer, 1u);

    job.layers = {{good, Paint{}, nullptr}};
    const auto fine = render_map(job);
    ASSERT_TRUE(fine);
    EXPECT_EQ(fine->pixels[3], 255);
}

// 8x8 checkerboard of one-degree pixels, black and white, every band alike.
std::string write_checkerboard(const TempDir& dir) {
    const std::string path = dir.file("checkerboard.tif");
    auto dataset = create_geotiff(path, 8, 3);
    EXPECT_TRUE(dataset);
    std::vector<std::uint8_t> values(64);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) values[y * 8 + x] = (x + y) % 2 ? 255 : 0;
    for (int band = 1; band <= 3; ++band)
        EXPECT_EQ(dataset->GetRasterBand(band)->RasterIO(GF_Write, 0, 0, 8, 8, values.data(), 8, 8,
                                                         GDT_Byte, 0, 0, nullptr),
                  CE_None);
    return path;
}

RgbaImage render_checkerboard(const std::string& path, Resampling kernel, unsigned size) {
    MapJob job;
    job.layers.push_back({path, Paint{}, nullptr, kernel});
    job.epsg = 4326;
    job.bbox = {0, 0, 8, 8};
    job.width = job.height = size;
    const auto map = render_map(job);
    EXPECT_TRUE(map);
    return map ? *map : RgbaImage{};
}

std::uint8_t red_at(const RgbaImage& map, unsigned x, unsigned y) {
    return map.pixels[(static_cast<std::size_t>(y) * map.width + x) * 4];
}

TEST(Resampling, NearestEnlargesIntoBlocksOfTheSourceValues) {
    const TempDir dir("wmsgate-resampling");
    const auto path = write_checkerboard(dir);
    const auto map = render_checkerboard(path, Resampling::nearest, 64);
    ASSERT_EQ(map.width, 64u);
    for (unsigned y = 0; y < 64; ++y)
        for (unsigned x = 0; x < 64; ++x)
            ASSERT_EQ(red_at(map, x, y), ((x / 8 + y / 8) % 2) ? 255 : 0) << x << "," << y;
}

TEST(Resampling, BilinearAndCubicBlendBetweenPixelsAndCubicIsSharper) {
    const TempDir dir("wmsgate-resampling");
    const auto path = write_checkerboard(dir);
    const auto bilinear = render_checkerboard(path, Resampling::bilinear, 64);
    const auto cubic = render_checkerboard(path, Resampling::cubic, 64);
    ASSERT_EQ(bilinear.width, 64u);
    ASSERT_EQ(cubic.width, 64u);
    // Inside a source pixel, a quarter of the way from its centre to the
    // next (x = 8 * 3 + 1, centre at 3.5 -> position 3.19 after mapping the
    // map pixel's centre): both kernels blend, cubic less so.
    const unsigned y = 8 * 3 + 4;  // row through the centres of source row 3
    int blended = 0, cubic_closer = 0;
    for (unsigned x = 9; x < 55; ++x) {
        const int source = ((x / 8 + 3) % 2) ? 255 : 0;
        const int b = red_at(bilinear, x, y), c = red_at(cubic, x, y);
        if (b != 0 && b != 255) ++blended;
        if (std::abs(c - source) <= std::abs(b - source)) ++cubic_closer;
    }
    EXPECT_GT(blended, 30);
    EXPECT_EQ(cubic_closer, 55 - 9);
}

TEST(Resampling, EveryKernelDrawsAPixelForPixelMapAsTheSource) {
    const TempDir dir("wmsgate-resampling");
    const auto path = write_checkerboard(dir);
    for (const auto kernel : {Resampling::nearest, Resampling::bilinear, Resampling::cubic}) {
        const auto map = render_checkerboard(path, kernel, 8);
        ASSERT_EQ(map.width, 8u);
        for (unsigned y = 0; y < 8; ++y)
            for (unsigned x = 0; x < 8; ++x)
                EXPECT_EQ(red_at(map, x, y), ((x + y) % 2) ? 255 : 0)
                    << resampling_name(kernel) << " " << x << "," << y;
    }
}

TEST(Resampling, EveryKernelLeavesPixelsOutsideTheAreaUndrawn) {
    const TempDir dir("wmsgate-resampling");
    const auto path = write_checkerboard(dir);
    const auto area = Area::from_wkt("POLYGON((2 2,6 2,6 6,2 6,2 2))", 4326);
    ASSERT_TRUE(area);
    for (const auto kernel : {Resampling::nearest, Resampling::bilinear, Resampling::cubic}) {
        MapJob job;
        job.layers.push_back({path, Paint{}, nullptr, kernel});
        job.epsg = 4326;
        job.bbox = {0, 0, 8, 8};
        job.width = job.height = 64;
        job.transparent = true;
        const auto whole = render_map(job);
        job.layers[0].area = *area;
        const auto limited = render_map(job);
        ASSERT_TRUE(whole && limited);
        for (unsigned y = 0; y < 64; ++y) {
            for (unsigned x = 0; x < 64; ++x) {
                const std::size_t i = (static_cast<std::size_t>(y) * 64 + x) * 4;
                const bool inside = x >= 16 && x < 48 && y >= 16 && y < 48;
                if (inside)
                    ASSERT_EQ(limited->pixels[i], whole->pixels[i]) << resampling_name(kernel);
                else
                    ASSERT_EQ(limited->pixels[i + 3], 0)
                        << resampling_name(kernel) << " " << x << "," << y;
            }
        }
    }
}

}  // namespace
}  // namespace wmsgate::wms

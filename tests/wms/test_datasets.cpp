#include "tests/wms/test_datasets.hpp"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <stdlib.h>

#include <array>
#include <atomic>

namespace wmsgate::wms::test {
namespace {

void write_geotiff(const std::string& path, int width, int height, int bands,
                   std::array<double, 6> geotransform) {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(gtiff, nullptr);
    GDALDatasetUniquePtr dataset(
        gtiff->Create(path.c_str(), width, height, bands, GDT_Byte, nullptr));
    ASSERT_TRUE(dataset);
    dataset->SetGeoTransform(geotransform.data());
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    dataset->SetSpatialRef(&wgs84);
    std::vector<std::uint8_t> row(static_cast<std::size_t>(width));
    for (int band = 1; band <= bands; ++band) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                const int value = band == 1   ? x * 255 / (width - 1)
                                  : band == 2 ? y * 255 / (height - 1)
                                              : 128;
                row[static_cast<std::size_t>(x)] = static_cast<std::uint8_t>(value);
            }
            ASSERT_EQ(dataset->GetRasterBand(band)->RasterIO(GF_Write, 0, y, width, 1, row.data(),
                                                             width, 1, GDT_Byte, 0, 0, nullptr),
                      CE_None);
        }
    }
}

void write_dem(const std::string& path) {
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(gtiff, nullptr);
    GDALDatasetUniquePtr dataset(gtiff->Create(path.c_str(), 20, 10, 1, GDT_Float32, nullptr));
    ASSERT_TRUE(dataset);
    const double gt[6] = {-20, 2, 0, 10, 0, -2};
    dataset->SetGeoTransform(const_cast<double*>(gt));
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    dataset->SetSpatialRef(&wgs84);
    std::vector<float> values(200);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 20; ++x) values[static_cast<std::size_t>(y * 20 + x)] = 100.0f * x + y;
    values[0] = -9999;
    GDALRasterBand* band = dataset->GetRasterBand(1);
    band->SetNoDataValue(-9999);
    ASSERT_EQ(
        band->RasterIO(GF_Write, 0, 0, 20, 10, values.data(), 20, 10, GDT_Float32, 0, 0, nullptr),
        CE_None);
}

}  // namespace

TempDir::TempDir(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

TestDatasets::TestDatasets() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wmsgate-wms-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    write_geotiff(world(), 64, 32, 3, {-180, 360.0 / 64, 0, 90, 0, -180.0 / 32});
    write_geotiff(gray(), 32, 16, 1, {0, 90.0 / 32, 0, 45, 0, -45.0 / 16});
    write_dem(dem());
}

TestDatasets::~TestDatasets() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

ServiceConfig TestDatasets::service() const {
    ServiceConfig service;
    service.title = "Test maps";
    service.abstract = "Layers for tests";
    service.online_resource = "http://10.77.0.1:8080/wms";
    service.max_width = 2048;
    service.max_height = 2048;
    LayerConfig dem_layer = layer("dem", "DEM", dem());
    dem_layer.default_style = RampKind::elevation;
    dem_layer.min = 0;
    dem_layer.max = 1909;
    dem_layer.abstract = "Heights";
    dem_layer.keywords = {"elevation", "test"};
    service.layers = {layer("world", "World", world()), layer("gray", "Gray", gray()), dem_layer};
    return service;
}

LayerConfig layer(std::string name, std::string title, std::string source) {
    LayerConfig config;
    config.name = std::move(name);
    config.title = std::move(title);
    config.source = std::move(source);
    return config;
}

bool has_png_signature(const std::string& bytes) {
    return bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

DecodedImage decode_png(const std::string& bytes) {
    static std::atomic<int> counter{0};
    const std::string path = "/vsimem/wms-test-decode-" + std::to_string(counter++) + ".png";
    VSILFILE* file = VSIFileFromMemBuffer(path.c_str(),
                                          reinterpret_cast<GByte*>(const_cast<char*>(bytes.data())),
                                          bytes.size(), FALSE);
    DecodedImage image;
    if (file == nullptr) return image;
    VSIFCloseL(file);
    {
        GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER));
        if (dataset) {
            image.width = dataset->GetRasterXSize();
            image.height = dataset->GetRasterYSize();
            image.bands = dataset->GetRasterCount();
            image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * image.bands);
            if (dataset->RasterIO(GF_Read, 0, 0, image.width, image.height, image.pixels.data(),
                                  image.width, image.height, GDT_Byte, image.bands, nullptr,
                                  image.bands, GSpacing{image.bands} * image.width, 1,
                                  nullptr) != CE_None)
                image = {};
        }
    }
    VSIUnlink(path.c_str());
    return image;
}

}  // namespace wmsgate::wms::test

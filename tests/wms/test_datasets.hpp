#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "wms/service_config.hpp"

namespace wmsgate::wms::test {

// A private temporary directory, removed with everything in it.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "wmsgate-wms");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

// Small GeoTIFFs made with GDAL in a private temporary directory, removed
// when the object dies.
//  - world.tif: 3-band RGB, 64x32, EPSG:4326, the whole world; red grows
//    west to east, green north to south.
//  - gray.tif: 1-band, 32x16, EPSG:4326, covering lon 0..90, lat 0..45 only.
//  - dem.tif: 1-band Float32, 20x10, EPSG:4326, lon -20..20, lat -10..10;
//    value = 100 * column + row, nodata -9999 in its top-left pixel.
class TestDatasets {
  public:
    TestDatasets();
    ~TestDatasets();
    TestDatasets(const TestDatasets&) = delete;
    TestDatasets& operator=(const TestDatasets&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    std::string world() const { return (dir_ / "world.tif").string(); }
    std::string gray() const { return (dir_ / "gray.tif").string(); }
    std::string dem() const { return (dir_ / "dem.tif").string(); }

    // A service with layers "world", "gray" and "dem" (titles "World", "Gray",
    // "DEM"); dem's stretch is 0..1909, its default style "elevation".
    ServiceConfig service() const;

  private:
    std::filesystem::path dir_;
};

// A PNG decoded with GDAL: pixel-interleaved bytes.
struct DecodedImage {
    int width = 0;
    int height = 0;
    int bands = 0;
    std::vector<std::uint8_t> pixels;

    std::uint8_t at(int x, int y, int band) const {
        return pixels[(static_cast<std::size_t>(y) * width + x) * bands + band];
    }
};

// A layer with only the three fields most tests care about.
LayerConfig layer(std::string name, std::string title, std::string source);

bool has_png_signature(const std::string& bytes);
DecodedImage decode_png(const std::string& bytes);

}  // namespace wmsgate::wms::test

// GDAL's own reason reaches the person reading the error.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/wms/test_datasets.hpp"
#include "wms/layer_catalog.hpp"

namespace wmsgate::wms {
namespace {

TEST(GdalMessage, ALayerGdalCannotOpenSaysWhatGdalSaid) {
    test::TempDir dir;
    const auto source = dir.file("broken.tif");
    std::ofstream(source) << "II*\0 this is not a TIFF\n";
    auto catalog = LayerCatalog::open({test::layer("broken", "Broken", source)});
    ASSERT_FALSE(catalog);
    const auto& subject = catalog.error().subject;
    EXPECT_EQ(subject.rfind("layer 'broken' (" + source + "; GDAL: ", 0), 0u) << subject;
    // GDAL's words, not ours: it names the file and what it found.
    EXPECT_GT(subject.size(), ("layer 'broken' (" + source + "; GDAL: )").size() + 10) << subject;
    EXPECT_EQ(subject.find('\n'), std::string::npos);
}

TEST(GdalMessage, AMissingFileStillNamesTheLayerAndSource) {
    auto catalog = LayerCatalog::open({test::layer("gone", "Gone", "/nonexistent/gone.tif")});
    ASSERT_FALSE(catalog);
    EXPECT_EQ(catalog.error().subject.rfind("layer 'gone' (/nonexistent/gone.tif", 0), 0u)
        << catalog.error().subject;
}

}  // namespace
}  // namespace wmsgate::wms

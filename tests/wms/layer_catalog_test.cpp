#include "wms/layer_catalog.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/wms/test_datasets.hpp"
#include "wms/errors.hpp"

namespace wmsgate::wms {
namespace {

TEST(LayerCatalog, ReadsWgs84Extents) {
    const test::TestDatasets data;
    const auto catalog = LayerCatalog::open(data.service().layers);
    ASSERT_TRUE(catalog) << catalog.error().subject;
    ASSERT_EQ(catalog->layers().size(), 3u);
    const LayerInfo* world = catalog->find("world");
    ASSERT_NE(world, nullptr);
    EXPECT_EQ(world->title, "World");
    EXPECT_NEAR(world->extent.west, -180, 1e-9);
    EXPECT_NEAR(world->extent.south, -90, 1e-9);
    EXPECT_NEAR(world->extent.east, 180, 1e-9);
    EXPECT_NEAR(world->extent.north, 90, 1e-9);
    const LayerInfo* gray = catalog->find("gray");
    ASSERT_NE(gray, nullptr);
    EXPECT_NEAR(gray->extent.west, 0, 1e-9);
    EXPECT_NEAR(gray->extent.east, 90, 1e-9);
    EXPECT_NEAR(gray->extent.south, 0, 1e-9);
    EXPECT_NEAR(gray->extent.north, 45, 1e-9);
    EXPECT_EQ(catalog->find("nope"), nullptr);
}

TEST(LayerCatalog, MissingFileNamesTheLayerAndPath) {
    const auto catalog =
        LayerCatalog::open({test::layer("ortho", "Ortho", "/nonexistent/ortho.tif")});
    ASSERT_FALSE(catalog);
    EXPECT_EQ(catalog.error().code, make_error_code(Errc::dataset_unreadable));
    EXPECT_NE(catalog.error().subject.find("ortho"), std::string::npos);
    EXPECT_NE(catalog.error().subject.find("/nonexistent/ortho.tif"), std::string::npos);
}

TEST(LayerCatalog, NotARaster) {
    const test::TestDatasets data;
    const auto path = (data.dir() / "notes.txt").string();
    std::ofstream(path) << "not a raster\n";
    const auto catalog = LayerCatalog::open({test::layer("notes", "Notes", path)});
    ASSERT_FALSE(catalog);
    EXPECT_EQ(catalog.error().code, make_error_code(Errc::dataset_unreadable));
}

TEST(LayerCatalog, DuplicateNames) {
    const test::TestDatasets data;
    const auto catalog = LayerCatalog::open(
        {test::layer("a", "A", data.world()), test::layer("a", "A2", data.gray())});
    ASSERT_FALSE(catalog);
    EXPECT_EQ(catalog.error().code, make_error_code(Errc::duplicate_layer));
}

}  // namespace
}  // namespace wmsgate::wms

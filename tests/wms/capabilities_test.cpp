#include "wms/capabilities.hpp"

#include <gtest/gtest.h>

#include "tests/wms/test_datasets.hpp"
#include "tests/wms/xmllint.hpp"

namespace wmsgate::wms {
namespace {

const char* const capabilities_xsd = "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd";

class Capabilities : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        data_ = new test::TestDatasets;
        auto catalog = LayerCatalog::open(data_->service().layers);
        ASSERT_TRUE(catalog);
        catalog_ = new LayerCatalog(std::move(*catalog));
    }
    static void TearDownTestSuite() {
        delete catalog_;
        delete data_;
    }

    static std::size_t count(const std::string& text, const std::string& needle) {
        std::size_t n = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
            ++n;
        return n;
    }

    static inline test::TestDatasets* data_ = nullptr;
    static inline LayerCatalog* catalog_ = nullptr;
};

TEST_F(Capabilities, ListsExactlyTheVisibleLayers) {
    // "secret" is visible but not in the catalog; "world" is in the catalog but not visible.
    const auto xml = capabilities_xml(data_->service(), *catalog_, {"alice", {"gray", "secret"}});
    EXPECT_EQ(count(xml, "<Layer queryable"), 1u);
    EXPECT_NE(xml.find("<Name>gray</Name><Title>Gray</Title>"), std::string::npos);
    EXPECT_EQ(xml.find("world"), std::string::npos);
    EXPECT_EQ(xml.find("secret"), std::string::npos);
    // The root extent is the visible layers' only, in both axis orders.
    EXPECT_NE(
        xml.find("<BoundingBox CRS=\"CRS:84\" minx=\"0\" miny=\"0\" maxx=\"90\" maxy=\"45\"/>"),
        std::string::npos);
    EXPECT_NE(
        xml.find("<BoundingBox CRS=\"EPSG:4326\" minx=\"0\" miny=\"0\" maxx=\"45\" maxy=\"90\"/>"),
        std::string::npos);
    const auto result = test::xmllint_validate(xml, capabilities_xsd);
    EXPECT_EQ(result.status, 0) << result.output;
}

TEST_F(Capabilities, AllLayersValidate) {
    const auto xml = capabilities_xml(data_->service(), *catalog_, {"bob", {"gray", "world"}});
    EXPECT_EQ(count(xml, "<Layer queryable=\"1\">"), 2u);
    EXPECT_NE(xml.find("<westBoundLongitude>-180</westBoundLongitude>"), std::string::npos);
    EXPECT_NE(xml.find("<Format>image/png</Format>"), std::string::npos);
    EXPECT_NE(xml.find("xlink:href=\"http://10.77.0.1:8080/wms?\""), std::string::npos);
    EXPECT_NE(xml.find("<MaxWidth>2048</MaxWidth>"), std::string::npos);
    const auto result = test::xmllint_validate(xml, capabilities_xsd);
    EXPECT_EQ(result.status, 0) << result.output;
}

TEST_F(Capabilities, NothingVisibleIsStillValid) {
    const auto xml = capabilities_xml(data_->service(), *catalog_, {"nobody", {}});
    EXPECT_EQ(count(xml, "<Name>"), 1u);
    EXPECT_EQ(count(xml, "<Layer>"), 1u);
    EXPECT_EQ(count(xml, "<Layer queryable"), 0u);
    const auto result = test::xmllint_validate(xml, capabilities_xsd);
    EXPECT_EQ(result.status, 0) << result.output;
}

TEST_F(Capabilities, EscapesConfiguredText) {
    auto service = data_->service();
    service.title = "Maps <&> \"quoted\"";
    service.abstract = "";
    service.online_resource = "http://host/wms?map=a&x=1";
    const auto xml = capabilities_xml(service, *catalog_, {"bob", {"world"}});
    EXPECT_NE(xml.find("<Title>Maps &lt;&amp;&gt; &quot;quoted&quot;</Title>"), std::string::npos);
    EXPECT_NE(xml.find("xlink:href=\"http://host/wms?map=a&amp;x=1&amp;\""), std::string::npos);
    EXPECT_EQ(xml.find("<Abstract>"), std::string::npos);
    const auto result = test::xmllint_validate(xml, capabilities_xsd);
    EXPECT_EQ(result.status, 0) << result.output;
}

}  // namespace
}  // namespace wmsgate::wms

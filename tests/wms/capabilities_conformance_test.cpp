// GetCapabilities in both versions: negotiation, update sequence, metadata,
// and validity against the official schema and DTD.
#include <gtest/gtest.h>

#include "tests/wms/handler_fixture.hpp"
#include "wms/capabilities.hpp"

namespace wmsgate::wms {
namespace {

class CapabilitiesConformance : public test::HandlerTest {
  protected:
    static bool is_130(const Response& r) {
        return r.body.find("<WMS_Capabilities version=\"1.3.0\"") != std::string::npos &&
               r.content_type == "text/xml";
    }
    static bool is_111(const Response& r) {
        return r.body.find("<WMT_MS_Capabilities version=\"1.1.1\"") != std::string::npos &&
               r.content_type == "application/vnd.ogc.wms_xml";
    }
    static std::string code_of(const Response& r) {
        const auto at = r.body.find("code=\"");
        if (at == std::string::npos) return {};
        return r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6);
    }
    // A handler whose service carries every metadata field.
    static Handler full_metadata_handler() {
        auto service = data_->service();
        service.keywords = {"maps", "secure"};
        service.contact = {
            "Ada", "Survey Office", "Cartographer", "postal", "1 Map St",        "Gotham",
            "GS",  "12345",         "Utopia",       "+1 555", "maps@example.org"};
        service.fees = "free";
        service.access_constraints = "WireGuard peers only";
        service.update_sequence = "17";
        service.crs.push_back("EPSG:32633");
        auto catalog = LayerCatalog::open(service.layers);
        return Handler(service, std::move(*catalog));
    }
};

TEST_F(CapabilitiesConformance, VersionNegotiation) {
    const std::string base = "/wms?SERVICE=WMS&REQUEST=GetCapabilities";
    EXPECT_TRUE(is_130(get(base)));                     // absent: highest
    EXPECT_TRUE(is_130(get(base + "&VERSION=1.3.0")));  // exact
    EXPECT_TRUE(is_111(get(base + "&VERSION=1.1.1")));  // exact
    EXPECT_TRUE(is_130(get(base + "&VERSION=2.0.0")));  // higher: highest
    EXPECT_TRUE(is_111(get(base + "&VERSION=1.2.0")));  // in between: next lower
    EXPECT_TRUE(is_111(get(base + "&VERSION=1.0.0")));  // lower: lowest
    EXPECT_TRUE(is_111(get(base + "&VERSION=1.1.0")));
    EXPECT_TRUE(is_111(get("/wms?REQUEST=capabilities&WMTVER=1.0.8")));  // WMS 1.0 style
    EXPECT_TRUE(is_111(get("/wms?SERVICE=WMS&REQUEST=GetCapabilities&WMTVER=1.1.1")));
    EXPECT_TRUE(is_130(get("/wms?service=wms&request=getcapabilities&version=1.3.0")));
}

TEST_F(CapabilitiesConformance, UpdateSequence) {
    const Handler handler = full_metadata_handler();
    const std::string base = "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0";
    const auto first = handler.handle(base, {"t", {"world"}});
    const auto at = first.body.find("updateSequence=\"");
    ASSERT_NE(at, std::string::npos);
    const std::string sequence = first.body.substr(at + 16, 16);
    const auto current = handler.handle(base + "&UPDATESEQUENCE=" + sequence, {"t", {"world"}});
    test::expect_valid_wms_xml(current);
    EXPECT_EQ(code_of(current), "CurrentUpdateSequence");
    // A fingerprint has no order: any other value gets the document.
    const auto other = handler.handle(base + "&UPDATESEQUENCE=17", {"t", {"world"}});
    EXPECT_TRUE(is_130(other));
    EXPECT_NE(other.body.find("updateSequence=\"" + sequence + "\""), std::string::npos);
    // The configured update_sequence is part of it.
    const auto sequence_with = [&](const std::string& configured) {
        ServiceConfig service = data_->service();
        service.update_sequence = configured;
        auto catalog = LayerCatalog::open(service.layers);
        const Handler h(service, std::move(*catalog));
        const auto body = h.handle(base, {"t", {"world"}}).body;
        return body.substr(body.find("updateSequence=\"") + 16, 16);
    };
    EXPECT_EQ(sequence_with("18"), sequence_with("18"));
    EXPECT_NE(sequence_with("18"), sequence_with("19"));
    // In 1.1.1 the exception is 1.1.1's.
    const auto empty = handler.handle(base, {"t", {}});
    const auto empty_seq = empty.body.substr(empty.body.find("updateSequence=\"") + 16, 16);
    const auto old_client = handler.handle(
        "/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1&UPDATESEQUENCE=" + empty_seq,
        {"t", {}});
    test::expect_valid_wms_xml(old_client);
    EXPECT_EQ(old_client.content_type, "application/vnd.ogc.se_xml");
    EXPECT_EQ(code_of(old_client), "CurrentUpdateSequence");
}

TEST_F(CapabilitiesConformance, ServiceMetadataInBothVersions) {
    const Handler handler = full_metadata_handler();
    for (const char* version : {"1.3.0", "1.1.1"}) {
        const auto r = handler.handle(
            std::string("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=") + version,
            {"t", {"world", "gray", "dem"}});
        test::expect_valid_wms_xml(r);
        for (const char* needle :
             {"<Keyword>maps</Keyword>", "<ContactPerson>Ada</ContactPerson>",
              "<ContactElectronicMailAddress>maps@example.org</ContactElectronicMailAddress>",
              "<Fees>free</Fees>", "<AccessConstraints>WireGuard peers only</AccessConstraints>",
              "<Abstract>Heights</Abstract>", "<Keyword>elevation</Keyword>",
              "<Name>viridis</Name>", "<LegendURL width=\"20\" height=\"128\">",
              "REQUEST=GetLegendGraphic", "32633", "<Format>image/jpeg</Format>",
              "<Format>text/html</Format>"})
            EXPECT_NE(r.body.find(needle), std::string::npos) << version << ": " << needle;
    }
}

TEST_F(CapabilitiesConformance, Version130Specifics) {
    const auto r = get("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0");
    for (const char* needle :
         {"<LayerLimit>16</LayerLimit>", "<MaxWidth>2048</MaxWidth>", "<CRS>EPSG:3857</CRS>",
          "<CRS>CRS:84</CRS>", "<Format>INIMAGE</Format>",
          // EPSG:4326 boxes are latitude first in 1.3.0; CRS:84 longitude first.
          "<BoundingBox CRS=\"EPSG:4326\" minx=\"-10\" miny=\"-20\" maxx=\"10\" maxy=\"20\"/>",
          "<BoundingBox CRS=\"CRS:84\" minx=\"-20\" miny=\"-10\" maxx=\"20\" maxy=\"10\"/>",
          "<BoundingBox CRS=\"EPSG:3857\""})
        EXPECT_NE(r.body.find(needle), std::string::npos) << needle;
}

TEST_F(CapabilitiesConformance, Version111Specifics) {
    const auto r = get("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1");
    for (const char* needle :
         {"<!DOCTYPE WMT_MS_Capabilities", "<SRS>EPSG:4326</SRS>", "<SRS>EPSG:3857</SRS>",
          "<LatLonBoundingBox minx=\"-20\" miny=\"-10\" maxx=\"20\" maxy=\"10\"/>",
          "<BoundingBox SRS=\"EPSG:4326\" minx=\"-20\" miny=\"-10\" maxx=\"20\" maxy=\"10\"/>",
          "<Format>application/vnd.ogc.se_inimage</Format>", "<GetLegendGraphic>"})
        EXPECT_NE(r.body.find(needle), std::string::npos) << needle;
    EXPECT_EQ(r.body.find("CRS:84"), std::string::npos);  // not a 1.1.1 SRS
    EXPECT_EQ(r.body.find("<LayerLimit>"), std::string::npos);
}

TEST_F(CapabilitiesConformance, HiddenLayersAbsentInBothVersions) {
    for (const char* version : {"1.3.0", "1.1.1"}) {
        const auto r =
            get(std::string("/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=") + version,
                {"alice", {"gray"}});
        EXPECT_NE(r.body.find("<Name>gray</Name>"), std::string::npos);
        EXPECT_EQ(r.body.find("world"), std::string::npos);
        EXPECT_EQ(r.body.find("dem"), std::string::npos);
    }
}

}  // namespace
}  // namespace wmsgate::wms

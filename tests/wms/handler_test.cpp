#include "wms/handler.hpp"

#include "tests/wms/handler_fixture.hpp"
#include "tests/wms/xmllint.hpp"

namespace wmsgate::wms {
namespace {

using HandlerRouting = test::HandlerTest;

TEST_F(HandlerRouting, OtherPathsAreNotFound) {
    for (const char* target :
         {"/", "/wmsx?SERVICE=WMS", "/WMS?SERVICE=WMS", "/wms/x", "/favicon.ico"}) {
        const auto response = get(target);
        EXPECT_EQ(response.status, 404u) << target;
        EXPECT_EQ(response.content_type, "text/plain");
    }
}

TEST_F(HandlerRouting, WmsPathWithAndWithoutSlash) {
    for (const char* target : {"/wms?SERVICE=WMS&REQUEST=GetCapabilities",
                               "/wms/?service=WMS&request=GetCapabilities&version=1.3.0"}) {
        const auto response = get(target);
        EXPECT_EQ(response.status, 200u) << target;
        EXPECT_EQ(response.content_type, "text/xml");
        EXPECT_NE(response.body.find("<WMS_Capabilities"), std::string::npos);
        EXPECT_EQ(response.request_name, "GetCapabilities");
    }
}

TEST_F(HandlerRouting, RequestNameForTheLog) {
    EXPECT_EQ(get("/wms?SERVICE=WMS&REQUEST=GetMap").request_name, "GetMap");
    EXPECT_EQ(get("/wms?SERVICE=WMS").request_name, "/wms");
    EXPECT_EQ(get("/other").request_name, "/other");
}

TEST_F(HandlerRouting, ErrorsAreServiceExceptions) {
    struct Case {
        const char* query;
        const char* code;
    };
    for (const auto& c :
         {Case{"", "MissingParameterValue"}, Case{"SERVICE=WMS", "MissingParameterValue"},
          Case{"SERVICE=WMS&REQUEST=GetStyles", "OperationNotSupported"},
          Case{"SERVICE=WMS&REQUEST=%G0", "InvalidParameterValue"}}) {
        const auto response = get(std::string("/wms?") + c.query);
        EXPECT_EQ(response.status, 200u) << c.query;
        EXPECT_EQ(response.content_type, "text/xml");
        EXPECT_NE(response.body.find(std::string("code=\"") + c.code + "\""), std::string::npos)
            << c.query << "\n"
            << response.body;
        const auto lint = test::xmllint_validate(
            response.body, "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd");
        EXPECT_EQ(lint.status, 0) << lint.output;
    }
}

TEST_F(HandlerRouting, CapabilitiesFollowTheView) {
    const auto gray_only = get("/wms?SERVICE=WMS&REQUEST=GetCapabilities", {"a", {"gray"}});
    EXPECT_NE(gray_only.body.find("<Name>gray</Name>"), std::string::npos);
    EXPECT_EQ(gray_only.body.find("<Name>world</Name>"), std::string::npos);
}

}  // namespace
}  // namespace wmsgate::wms

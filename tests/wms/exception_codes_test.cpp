// Every exception code the service raises, in both versions, each document
// validated (by the fixture) against the official schema or DTD.
#include <gtest/gtest.h>

#include "tests/wms/handler_fixture.hpp"

namespace wmsgate::wms {
namespace {

class ExceptionCodes : public test::HandlerTest {};

struct Case {
    std::string query;
    const char* code;
};

std::string map13(const std::string& override_part) {
    return "SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&" + override_part +
           "&LAYERS=world&STYLES=&CRS=CRS:84&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32"
           "&FORMAT=image/png";
}
std::string map11(const std::string& override_part) {
    return "SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&" + override_part +
           "&LAYERS=world&STYLES=&SRS=EPSG:4326&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32"
           "&FORMAT=image/png";
}

TEST_F(ExceptionCodes, EveryCodeInBothVersions) {
    const std::vector<Case> cases = {
        {map13("FORMAT=image/gif"), "InvalidFormat"},
        {map11("FORMAT=image/gif"), "InvalidFormat"},
        {map13("CRS=EPSG:999999"), "InvalidCRS"},
        {map11("SRS=EPSG:999999"), "InvalidSRS"},
        {map13("LAYERS=nowhere"), "LayerNotDefined"},
        {map11("LAYERS=nowhere"), "LayerNotDefined"},
        {map13("STYLES=fancy"), "StyleNotDefined"},
        {map11("STYLES=fancy"), "StyleNotDefined"},
        {map13("BBOX=10,0,5,5"), "InvalidParameterValue"},
        {map13("BBOX=0,0,a,5"), "InvalidParameterValue"},
        {map13("WIDTH=0"), "InvalidParameterValue"},
        {map13("WIDTH=99999"), "InvalidParameterValue"},
        {map13("HEIGHT=1e3"), "InvalidParameterValue"},
        {map13("LAYERS=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"), "InvalidParameterValue"},
        {map13("EXCEPTIONS=PDF"), "InvalidParameterValue"},
        {map13("BGCOLOR=red"), "InvalidParameterValue"},
        {map11("WIDTH=-3"), "InvalidParameterValue"},
        {"SERVICE=WMS&REQUEST=GetMap&LAYERS=world", "MissingParameterValue"},
        {"SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world", "MissingParameterValue"},
        {"SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=world", "MissingParameterValue"},
        {"REQUEST=GetCapabilities", "MissingParameterValue"},
        {"SERVICE=WMS&REQUEST=GetMap&VERSION=1.2.0", "InvalidParameterValue"},
        {"SERVICE=WMS&REQUEST=DescribeLayer&VERSION=1.1.1", "OperationNotSupported"},
        {"SERVICE=WMS&REQUEST=GetStyles", "OperationNotSupported"},
        {"SERVICE=WFS&REQUEST=GetCapabilities", "InvalidParameterValue"},
        {"SERVICE=WMS&REQUEST=GetFeatureInfo&VERSION=1.3.0&LAYERS=world&STYLES=&CRS=CRS:84"
         "&BBOX=0,0,1,1&WIDTH=4&HEIGHT=4&QUERY_LAYERS=world&I=4&J=0",
         "InvalidPoint"},
    };
    for (const auto& c : cases) {
        const auto r = get("/wms?" + c.query);
        EXPECT_EQ(r.status, 200u) << c.query;
        EXPECT_NE(r.body.find(std::string("code=\"") + c.code + "\""), std::string::npos)
            << c.query << "\n"
            << r.body;
        // A version below 1.3.0 is answered in 1.1.1's format (negotiation).
        const bool v111 = c.query.find("VERSION=1.1.1") != std::string::npos ||
                          c.query.find("VERSION=1.2.0") != std::string::npos;
        EXPECT_EQ(r.content_type, v111 ? "application/vnd.ogc.se_xml" : "text/xml") << c.query;
    }
}

TEST_F(ExceptionCodes, ParametersAreCaseInsensitiveAndUnknownOnesIgnored) {
    const auto r =
        get("/wms?service=WMS&request=GetMap&version=1.3.0&layers=world&styles=&crs=crs:84"
            "&bbox=-180,-90,180,90&width=8&height=5&format=image%2Fpng&vendor_thing=1&x+y=z");
    EXPECT_EQ(r.content_type, "image/png");
    // 1.1.1 GetMap may leave SERVICE out.
    const auto v111 =
        get("/wms?REQUEST=GetMap&VERSION=1.1.1&LAYERS=world&STYLES=&SRS=EPSG:4326"
            "&BBOX=-180,-90,180,90&WIDTH=8&HEIGHT=5&FORMAT=image/png");
    EXPECT_EQ(v111.content_type, "image/png");
}

}  // namespace
}  // namespace wmsgate::wms

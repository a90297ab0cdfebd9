#include "wms/request.hpp"

#include <gtest/gtest.h>

namespace wmsgate::wms {
namespace {

const std::string base_map =
    "SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=world&STYLES=&CRS=CRS:84"
    "&BBOX=-180,-90,180,90&WIDTH=64&HEIGHT=32&FORMAT=image/png";

tl::expected<WmsRequest, RequestError> parse(const std::string& query) {
    const auto kvp = Kvp::parse(query);
    EXPECT_TRUE(kvp) << query;
    return parse_request(*kvp, RequestLimits{1000, 500, 3});
}

ExceptionCode code_of(const std::string& query) {
    const auto request = parse(query);
    EXPECT_FALSE(request) << query;
    return request ? ExceptionCode::none : request.error().exception.code;
}

GetMapRequest map_of(const std::string& query) {
    const auto request = parse(query);
    EXPECT_TRUE(request) << query << ": " << (request ? "" : request.error().exception.message);
    if (!request || !std::holds_alternative<GetMapRequest>(*request)) return {};
    return std::get<GetMapRequest>(*request);
}

// Replaces NAME=... in the base GetMap query.
std::string with(std::string query, const std::string& name, const std::string& value) {
    const auto at = query.find("&" + name + "=");
    if (at == std::string::npos) return query + "&" + name + "=" + value;
    const auto end = query.find('&', at + 1);
    return query.replace(at, end == std::string::npos ? std::string::npos : end - at,
                         value == "\x01" ? "" : "&" + name + "=" + value);
}
std::string without(const std::string& query, const std::string& name) {
    return with(query, name, "\x01");
}

TEST(ParseRequest, MissingServiceOrRequest) {
    EXPECT_EQ(code_of("REQUEST=GetCapabilities"), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(code_of("SERVICE=WMS"), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(code_of(""), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(code_of("SERVICE=WFS&REQUEST=GetCapabilities"), ExceptionCode::InvalidParameterValue);
}

TEST(ParseRequest, UnknownOperation) {
    const auto request = parse("SERVICE=WMS&REQUEST=GetFeature");
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().exception.code, ExceptionCode::OperationNotSupported);
}

TEST(ParseRequest, GetCapabilitiesWithOrWithoutVersion) {
    for (const char* query : {"SERVICE=WMS&REQUEST=GetCapabilities",
                              "service=wms&request=getcapabilities&version=1.3.0"}) {
        const auto request = parse(query);
        ASSERT_TRUE(request) << query;
        EXPECT_TRUE(std::holds_alternative<GetCapabilitiesRequest>(*request));
    }
}

TEST(ParseGetMap, Crs84IsLonLat) {
    const auto map = map_of(with(base_map, "BBOX", "-10,20,30,40"));
    EXPECT_EQ(map.version, WmsVersion::v1_3_0);
    EXPECT_EQ(map.crs.name, "CRS:84");
    EXPECT_EQ(map.bbox, (MapBox{-10, 20, 30, 40}));
    EXPECT_EQ(map.layers, std::vector<std::string>{"world"});
    EXPECT_EQ(map.image.width, 64u);
    EXPECT_EQ(map.image.height, 32u);
    EXPECT_FALSE(map.image.transparent);
    EXPECT_EQ(map.image.background, (Rgb{255, 255, 255}));
}

TEST(ParseGetMap, Epsg4326In130IsLatLon) {
    auto query = with(with(base_map, "CRS", "EPSG:4326"), "BBOX", "20,-10,40,30");
    EXPECT_EQ(map_of(query).bbox, (MapBox{-10, 20, 30, 40}));
}

TEST(ParseGetMap, Version111UsesSrsAndLonLat) {
    auto query = with(without(base_map, "CRS"), "VERSION", "1.1.1");
    query = with(with(query, "SRS", "EPSG:4326"), "BBOX", "-10,20,30,40");
    const auto map = map_of(query);
    EXPECT_EQ(map.version, WmsVersion::v1_1_1);
    EXPECT_EQ(map.bbox, (MapBox{-10, 20, 30, 40}));
    // 1.1.1 has no CRS parameter: a CRS= alone is missing its SRS.
    EXPECT_EQ(code_of(with(base_map, "VERSION", "1.1.1")), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(code_of(with(query, "SRS", "EPSG:999999")), ExceptionCode::InvalidSRS);
}

TEST(ParseGetMap, BboxAcceptsExponents) {
    // A literal "+" in a query means space; the exponent sign arrives as %2B.
    EXPECT_EQ(map_of(with(base_map, "BBOX", "-1.8e2,-9E1,1.8e%2B2,90.0")).bbox,
              (MapBox{-180, -90, 180, 90}));
}

TEST(ParseGetMap, BadBbox) {
    for (const char* bbox : {"10,0,10,5", "10,0,5,5", "0,5,10,5", "0,0,10", "0,0,10,10,1",
                             "a,0,10,10", "0,0,10,10x", "0,,10,10", "nan,0,10,10", "0,0,inf,10"}) {
        EXPECT_EQ(code_of(with(base_map, "BBOX", bbox)), ExceptionCode::InvalidParameterValue)
            << bbox;
    }
    EXPECT_EQ(code_of(without(base_map, "BBOX")), ExceptionCode::MissingParameterValue);
}

TEST(ParseGetMap, WidthAndHeight) {
    for (const char* width : {"0", "1001", "-5", "12x", "1.5", "99999999999"}) {
        EXPECT_EQ(code_of(with(base_map, "WIDTH", width)), ExceptionCode::InvalidParameterValue)
            << width;
    }
    EXPECT_EQ(code_of(with(base_map, "HEIGHT", "501")), ExceptionCode::InvalidParameterValue);
    EXPECT_EQ(map_of(with(base_map, "WIDTH", "1000")).image.width, 1000u);
    EXPECT_EQ(code_of(without(base_map, "HEIGHT")), ExceptionCode::MissingParameterValue);
}

TEST(ParseGetMap, Format) {
    EXPECT_EQ(code_of(with(base_map, "FORMAT", "image/gif")), ExceptionCode::InvalidFormat);
    EXPECT_EQ(map_of(with(base_map, "FORMAT", "image/jpeg")).image.format, ImageFormat::jpeg);
    EXPECT_EQ(map_of(with(base_map, "FORMAT", "image/webp")).image.format, ImageFormat::webp);
    EXPECT_EQ(map_of(with(base_map, "FORMAT", "image/png;+mode=8bit")).image.format,
              ImageFormat::png8);
    EXPECT_EQ(code_of(without(base_map, "FORMAT")), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(map_of(with(base_map, "FORMAT", "IMAGE/PNG")).image.format, ImageFormat::png);
}

TEST(ParseGetMap, Crs) {
    EXPECT_EQ(code_of(with(base_map, "CRS", "EPSG:999999")), ExceptionCode::InvalidCRS);
    EXPECT_EQ(code_of(with(base_map, "CRS", "FOO:1")), ExceptionCode::InvalidCRS);
    EXPECT_EQ(map_of(with(base_map, "CRS", "epsg:3857")).crs.name, "EPSG:3857");
    EXPECT_EQ(code_of(without(base_map, "CRS")), ExceptionCode::MissingParameterValue);
}

TEST(ParseGetMap, VersionIsRequiredAndChecked) {
    EXPECT_EQ(code_of(without(base_map, "VERSION")), ExceptionCode::MissingParameterValue);
    EXPECT_EQ(code_of(with(base_map, "VERSION", "2.0")), ExceptionCode::InvalidParameterValue);
}

TEST(ParseGetMap, LayersInOrder) {
    EXPECT_EQ(map_of(with(base_map, "LAYERS", "a,b,c")).layers,
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(code_of(with(base_map, "LAYERS", "")), ExceptionCode::MissingParameterValue);
}

TEST(ParseGetMap, OneStylePerLayer) {
    const auto map = map_of(with(with(base_map, "LAYERS", "a,b"), "STYLES", ",viridis"));
    EXPECT_EQ(map.styles, (std::vector<std::string>{"", "viridis"}));
    EXPECT_EQ(map_of(without(base_map, "STYLES")).styles, (std::vector<std::string>{""}));
    EXPECT_EQ(code_of(with(base_map, "STYLES", "a,b")), ExceptionCode::StyleNotDefined);
}

TEST(ParseGetMap, LayerLimit) {
    EXPECT_EQ(code_of(with(base_map, "LAYERS", "a,b,c,d")), ExceptionCode::InvalidParameterValue);
}

TEST(ParseGetMap, TransparentAndBgcolor) {
    EXPECT_TRUE(map_of(with(base_map, "TRANSPARENT", "true")).image.transparent);
    EXPECT_FALSE(map_of(with(base_map, "TRANSPARENT", "False")).image.transparent);
    EXPECT_EQ(code_of(with(base_map, "TRANSPARENT", "yes")), ExceptionCode::InvalidParameterValue);
    EXPECT_EQ(map_of(with(base_map, "BGCOLOR", "0x10a0Ff")).image.background,
              (Rgb{0x10, 0xA0, 0xFF}));
    for (const char* color :
         {"10A0FF", "0x10A0F", "0x10A0FFF", "0xGGGGGG", "#10A0FF", "0x-10A0F"}) {
        EXPECT_EQ(code_of(with(base_map, "BGCOLOR", color)), ExceptionCode::InvalidParameterValue)
            << color;
    }
}

}  // namespace
}  // namespace wmsgate::wms

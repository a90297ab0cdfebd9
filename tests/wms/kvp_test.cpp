#include "wms/kvp.hpp"

#include <gtest/gtest.h>

#include "wms/errors.hpp"

namespace wmsgate::wms {
namespace {

TEST(Kvp, NamesAreCaseInsensitiveAndValuesKeepTheirCase) {
    const auto kvp = Kvp::parse("service=WMS&ReQuEsT=GetMap&Layers=Ortho");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->get("SERVICE"), "WMS");
    EXPECT_EQ(kvp->get("request"), "GetMap");
    EXPECT_EQ(kvp->get("LAYERS"), "Ortho");
    EXPECT_FALSE(kvp->get("BBOX"));
}

TEST(Kvp, DecodesPercentEscapesAndPlus) {
    const auto kvp = Kvp::parse("LAYERS=a%2Cb&TITLE=two+words%21&CRS=EPSG%3a4326");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->get("LAYERS"), "a,b");
    EXPECT_EQ(kvp->get("TITLE"), "two words!");
    EXPECT_EQ(kvp->get("CRS"), "EPSG:4326");
}

TEST(Kvp, DecodesNames) {
    const auto kvp = Kvp::parse("%53ERVICE=WMS");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->get("SERVICE"), "WMS");
}

TEST(Kvp, EmptyPiecesAndMissingValues) {
    const auto kvp = Kvp::parse("&&STYLES&BGCOLOR=&");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->size(), 2u);
    EXPECT_EQ(kvp->get("STYLES"), "");
    EXPECT_EQ(kvp->get("BGCOLOR"), "");
}

TEST(Kvp, FirstOccurrenceWins) {
    const auto kvp = Kvp::parse("LAYERS=a&layers=b");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->get("LAYERS"), "a");
}

TEST(Kvp, EmptyQuery) {
    const auto kvp = Kvp::parse("");
    ASSERT_TRUE(kvp);
    EXPECT_EQ(kvp->size(), 0u);
}

TEST(Kvp, RejectsMalformedEscapes) {
    for (const char* query : {"A=%", "A=%4", "A=%zz", "A=%4g", "%=1", "A=b%"}) {
        const auto kvp = Kvp::parse(query);
        ASSERT_FALSE(kvp) << query;
        EXPECT_EQ(kvp.error(), make_error_code(Errc::bad_percent_encoding)) << query;
    }
}

TEST(Kvp, EnforcesLimits) {
    const KvpLimits limits{3, 10};
    EXPECT_TRUE(Kvp::parse("a=1&b=2&c=3", limits));
    const auto too_many = Kvp::parse("a=1&b=2&c=3&d=4", limits);
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error(), make_error_code(Errc::too_many_parameters));
    const auto too_long = Kvp::parse("a=12345678901", limits);
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error(), make_error_code(Errc::parameter_too_long));
}

TEST(Kvp, DecodesBytesVerbatim) {
    const auto decoded = percent_decode("%00%FF%e2%82%ac");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, std::string("\0\xFF\xE2\x82\xAC", 5));
}

TEST(Kvp, ErrorCategoryHasMessages) {
    EXPECT_STREQ(wms_category().name(), "wmsgate.wms");
    EXPECT_NE(make_error_code(Errc::dataset_unreadable).message().find("check the source path"),
              std::string::npos);
}

}  // namespace
}  // namespace wmsgate::wms

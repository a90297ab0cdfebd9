#include "wms/xml.hpp"

#include <gtest/gtest.h>

namespace wmsgate::wms {
namespace {

TEST(XmlEscape, EscapesMarkup) {
    EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
}

TEST(XmlEscape, KeepsValidUtf8) {
    EXPECT_EQ(xml_escape("Zürich €"), "Zürich €");
}

TEST(XmlEscape, ReplacesWhatXmlCannotCarry) {
    EXPECT_EQ(xml_escape(std::string("a\0b\x01\tc", 6)), "a?b?\tc");
    EXPECT_EQ(xml_escape("\xFF\xC3"), "??");       // invalid and truncated
    EXPECT_EQ(xml_escape("\xC0\xAF"), "??");       // overlong '/'
    EXPECT_EQ(xml_escape("\xED\xA0\x80"), "???");  // surrogate
}

TEST(FormatNumber, ShortestAndLocaleFree) {
    EXPECT_EQ(format_number(-180), "-180");
    EXPECT_EQ(format_number(0.5), "0.5");
    EXPECT_EQ(format_number(1e-7), "1e-07");
}

}  // namespace
}  // namespace wmsgate::wms

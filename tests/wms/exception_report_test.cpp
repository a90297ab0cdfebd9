#include "wms/exception_report.hpp"

#include <gtest/gtest.h>

#include "tests/wms/xmllint.hpp"

namespace wmsgate::wms {
namespace {

const char* const exceptions_xsd = "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd";

TEST(ExceptionReport, CarriesCodeAndEscapedMessage) {
    const auto xml = exception_report_xml({ExceptionCode::LayerNotDefined, "Layer <a&b> x"});
    EXPECT_NE(xml.find("<ServiceExceptionReport version=\"1.3.0\""), std::string::npos);
    EXPECT_NE(xml.find("xmlns=\"http://www.opengis.net/ogc\""), std::string::npos);
    EXPECT_NE(xml.find("code=\"LayerNotDefined\">Layer &lt;a&amp;b&gt; x<"), std::string::npos);
}

TEST(ExceptionReport, EveryCodeValidates) {
    for (const auto code :
         {ExceptionCode::none, ExceptionCode::InvalidFormat, ExceptionCode::InvalidCRS,
          ExceptionCode::InvalidSRS, ExceptionCode::LayerNotDefined, ExceptionCode::StyleNotDefined,
          ExceptionCode::MissingParameterValue, ExceptionCode::InvalidParameterValue,
          ExceptionCode::OperationNotSupported}) {
        const auto result =
            test::xmllint_validate(exception_report_xml({code, "message"}), exceptions_xsd);
        EXPECT_EQ(result.status, 0) << code_name(code) << "\n" << result.output;
    }
}

TEST(ExceptionReport, HostileMessageStillValidates) {
    const std::string hostile("<x>&\x01\xFF\xC3]]>\"'", 12);
    const auto result = test::xmllint_validate(
        exception_report_xml({ExceptionCode::InvalidParameterValue, hostile}), exceptions_xsd);
    EXPECT_EQ(result.status, 0) << result.output;
}

TEST(ExceptionReport, XmllintReallyRejectsInvalidDocuments) {
    // Guards the validation tests against an xmllint set-up that passes anything.
    const auto result = test::xmllint_validate(
        "<ServiceExceptionReport xmlns=\"http://www.opengis.net/ogc\"><Bogus/>"
        "</ServiceExceptionReport>",
        exceptions_xsd);
    EXPECT_NE(result.status, 0) << result.output;
}

}  // namespace
}  // namespace wmsgate::wms

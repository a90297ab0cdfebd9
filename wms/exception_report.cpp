#include "wms/exception_report.hpp"

#include "wms/xml.hpp"

namespace wmsgate::wms {

std::string exception_report_xml(const ServiceException& exception, WmsVersion version) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    if (version == WmsVersion::v1_3_0) {
        xml +=
            "<ServiceExceptionReport version=\"1.3.0\" xmlns=\"http://www.opengis.net/ogc\""
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
            " xsi:schemaLocation=\"http://www.opengis.net/ogc"
            " http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd\">\n";
    } else {
        xml +=
            "<!DOCTYPE ServiceExceptionReport SYSTEM"
            " \"http://schemas.opengis.net/wms/1.1.1/WMS_exception_1_1_1.dtd\">\n"
            "<ServiceExceptionReport version=\"1.1.1\">\n";
    }
    xml += "  <ServiceException";
    if (exception.code != ExceptionCode::none) {
        xml += " code=\"";
        xml += code_name(exception.code);
        xml += '"';
    }
    xml += '>';
    xml += xml_escape(exception.message);
    xml += "</ServiceException>\n</ServiceExceptionReport>\n";
    return xml;
}

std::string_view exception_content_type(WmsVersion version) {
    return version == WmsVersion::v1_3_0 ? "text/xml" : "application/vnd.ogc.se_xml";
}

}  // namespace wmsgate::wms

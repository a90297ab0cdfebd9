#pragma once

#include <string>
#include <string_view>

#include "wms/request.hpp"
#include "wms/service_exception.hpp"

namespace wmsgate::wms {

// A ServiceExceptionReport in the form of the client's WMS version: 1.3.0's
// XML Schema document, or 1.1.1's with its DTD.
std::string exception_report_xml(const ServiceException& exception,
                                 WmsVersion version = WmsVersion::v1_3_0);

// text/xml (1.3.0) or application/vnd.ogc.se_xml (1.1.1).
std::string_view exception_content_type(WmsVersion version);

}  // namespace wmsgate::wms

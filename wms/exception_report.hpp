#pragma once

#include <string>

#include "wms/service_exception.hpp"

namespace wmsgate::wms {

// A WMS 1.3.0 ServiceExceptionReport document (valid against
// exceptions_1_3_0.xsd). The message is escaped; its content must not depend
// on anything the client may not know (see the handler's layer check).
std::string exception_report_xml(const ServiceException& exception);

}  // namespace wmsgate::wms

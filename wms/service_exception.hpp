#pragma once

#include <string>
#include <string_view>

namespace wmsgate::wms {

// OGC exception codes (WMS 1.3.0 Table E.1; InvalidSRS is 1.1.1's InvalidCRS).
// `none` is a server fault that no OGC code describes.
enum class ExceptionCode {
    none,
    InvalidFormat,
    InvalidCRS,
    InvalidSRS,
    LayerNotDefined,
    StyleNotDefined,
    MissingParameterValue,
    InvalidParameterValue,
    OperationNotSupported,
    LayerNotQueryable,
    InvalidPoint,
    CurrentUpdateSequence,
    InvalidUpdateSequence,
};

std::string_view code_name(ExceptionCode code);

// A WMS error that is answered to the client as a service exception report.
struct ServiceException {
    ExceptionCode code = ExceptionCode::none;
    std::string message;
};

}  // namespace wmsgate::wms

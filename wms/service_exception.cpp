#include "wms/service_exception.hpp"

namespace wmsgate::wms {

std::string_view code_name(ExceptionCode code) {
    switch (code) {
        case ExceptionCode::none:
            return "";
        case ExceptionCode::InvalidFormat:
            return "InvalidFormat";
        case ExceptionCode::InvalidCRS:
            return "InvalidCRS";
        case ExceptionCode::InvalidSRS:
            return "InvalidSRS";
        case ExceptionCode::LayerNotDefined:
            return "LayerNotDefined";
        case ExceptionCode::StyleNotDefined:
            return "StyleNotDefined";
        case ExceptionCode::MissingParameterValue:
            return "MissingParameterValue";
        case ExceptionCode::InvalidParameterValue:
            return "InvalidParameterValue";
        case ExceptionCode::OperationNotSupported:
            return "OperationNotSupported";
        case ExceptionCode::LayerNotQueryable:
            return "LayerNotQueryable";
        case ExceptionCode::InvalidPoint:
            return "InvalidPoint";
        case ExceptionCode::CurrentUpdateSequence:
            return "CurrentUpdateSequence";
        case ExceptionCode::InvalidUpdateSequence:
            return "InvalidUpdateSequence";
    }
    return "";
}

}  // namespace wmsgate::wms

#include "wms/errors.hpp"

#include <string>

namespace wmsgate::wms {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wmsgate.wms"; }

    std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::dataset_unreadable:
                return "cannot open the layer's dataset; check the source path and that GDAL "
                       "can read its format";
            case Errc::dataset_not_georeferenced:
                return "the layer's dataset has no geotransform or no spatial reference system";
            case Errc::extent_not_transformable:
                return "the layer's extent cannot be transformed to WGS84";
            case Errc::duplicate_layer:
                return "two layers have the same name";
            case Errc::too_many_parameters:
                return "the query string has too many parameters";
            case Errc::parameter_too_long:
                return "a query parameter is too long";
            case Errc::bad_percent_encoding:
                return "the query string has a malformed %-escape";
            case Errc::render_failed:
                return "rendering the map failed";
            case Errc::encode_failed:
                return "encoding the image failed";
            case Errc::already_started:
                return "the server is already started";
            case Errc::not_started:
                return "the server is not running";
            case Errc::cancelled:
                return "the client no longer waits for the answer";
            case Errc::vector_layer_missing:
                return "the vector source has no layer of that name; check source_layer";
            case Errc::vector_filter_invalid:
                return "a rule's filter is not a valid OGR SQL expression for the layer's fields";
            case Errc::vector_field_missing:
                return "a name in fields is not a field of the layer";
        }
        return "unknown wms error";
    }
};

}  // namespace

const std::error_category& wms_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), wms_category()};
}

}  // namespace wmsgate::wms

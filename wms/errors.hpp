#pragma once

#include <system_error>
#include <type_traits>

namespace wmsgate::wms {

// Failures of the map service's library code. HTTP and OGC mapping happens in
// the handler; these codes travel in tl::expected and StartError.
enum class Errc {
    dataset_unreadable = 1,
    dataset_not_georeferenced,
    extent_not_transformable,
    duplicate_layer,
    too_many_parameters,
    parameter_too_long,
    bad_percent_encoding,
    render_failed,
    encode_failed,
    already_started,
    not_started,
    cancelled,
    vector_layer_missing,
    vector_filter_invalid,
    vector_field_missing,
};

const std::error_category& wms_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

}  // namespace wmsgate::wms

template <>
struct std::is_error_code_enum<wmsgate::wms::Errc> : std::true_type {};

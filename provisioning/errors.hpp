#pragma once

#include <system_error>

namespace wmsgate::provisioning {

// Every failure provisioning reports. Messages tell a person what to do;
// callers add which peer or file was involved when they log.
enum class Errc {
    invalid_name = 1,
    name_taken,
    public_key_taken,
    address_taken,
    not_found,
    prefix_full,
    database_failed,
    schema_too_new,
    invalid_prefix,
    invalid_group_name,
    database_busy,
    database_corrupt,
    revoked,
    invalid_layer_name,
    invalid_expiry,
    expiry_in_past,
    qr_failed,
    database_unreachable,
};

const std::error_category& provisioning_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), provisioning_category()};
}

}  // namespace wmsgate::provisioning

template <>
struct std::is_error_code_enum<wmsgate::provisioning::Errc> : std::true_type {};

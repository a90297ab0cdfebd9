#pragma once

// Helpers shared by the request parsers. Private to wms/.

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "wms/kvp.hpp"
#include "wms/service_exception.hpp"

namespace wmsgate::wms::params {

inline tl::unexpected<ServiceException> fail(ExceptionCode code, std::string message) {
    return tl::unexpected(ServiceException{code, std::move(message)});
}

inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    while (true) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

// std::from_chars is locale-independent and accepts exponents ("1e2"). A
// leading '+' is allowed, as URLs sometimes carry one.
inline std::optional<double> parse_double(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc{} || result.ptr != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

inline std::optional<unsigned> parse_unsigned(std::string_view text) {
    unsigned value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc{} || result.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

inline tl::expected<std::string_view, ServiceException> required(const Kvp& kvp,
                                                                 std::string_view name) {
    const auto value = kvp.get(name);
    if (!value || value->empty())
        return fail(ExceptionCode::MissingParameterValue,
                    "Parameter " + std::string(name) + " is required");
    return *value;
}

}  // namespace wmsgate::wms::params

#include "wms/kvp.hpp"

#include <algorithm>

#include "wms/errors.hpp"

namespace wmsgate::wms {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

std::string to_upper_ascii(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), upper);
    return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return upper(x) == upper(y); });
}

tl::expected<std::string, std::error_code> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c != '%') {
            out.push_back(c);
        } else {
            if (i + 2 >= text.size())
                return tl::unexpected(make_error_code(Errc::bad_percent_encoding));
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0)
                return tl::unexpected(make_error_code(Errc::bad_percent_encoding));
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        }
    }
    return out;
}

tl::expected<Kvp, std::error_code> Kvp::parse(std::string_view query, const KvpLimits& limits) {
    Kvp kvp;
    std::size_t pieces = 0;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (piece.empty()) continue;
        if (++pieces > limits.max_parameters)
            return tl::unexpected(make_error_code(Errc::too_many_parameters));
        // Measured before decoding: decoding only shrinks, so this bounds both.
        if (piece.size() > limits.max_value_length)
            return tl::unexpected(make_error_code(Errc::parameter_too_long));

        const std::size_t eq = piece.find('=');
        auto name = percent_decode(piece.substr(0, eq));
        if (!name) return tl::unexpected(name.error());
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{}
                                                                 : piece.substr(eq + 1));
        if (!value) return tl::unexpected(value.error());
        kvp.values_.try_emplace(to_upper_ascii(*name), std::move(*value));
    }
    return kvp;
}

std::optional<std::string_view> Kvp::get(std::string_view name) const {
    const auto it = values_.find(to_upper_ascii(name));
    if (it == values_.end()) return std::nullopt;
    return std::string_view(it->second);
}

}  // namespace wmsgate::wms

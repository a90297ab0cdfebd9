#pragma once

// Numbers from a benchmark's command line or environment: all of the text,
// within [min, max], or nothing (atoi would read "10k" as 10 and "x" as 0,
// and std::stoi throws).

#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace wmsgate::bench {

template <typename Int>
std::optional<Int> parse_number(std::string_view text, Int min, Int max) {
    Int value{};
    const char* end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, value);
    if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end || value < min ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace wmsgate::bench

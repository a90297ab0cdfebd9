#include "provisioning/expiry.hpp"

#include <charconv>
#include <ctime>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace {

// Ten years is far beyond any sensible expiry and keeps the arithmetic small.
constexpr std::int64_t max_duration_seconds = std::int64_t{10} * 366 * 24 * 3600;
constexpr int max_year = 2200;

tl::expected<std::int64_t, std::error_code> parse_duration(std::string_view text) {
    const auto invalid = tl::unexpected(make_error_code(Errc::invalid_expiry));
    if (text.size() < 2) return invalid;
    std::int64_t unit = 0;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = std::int64_t{7} * 86400;
            break;
        default:
            return invalid;
    }
    const auto digits = text.substr(0, text.size() - 1);
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || end != digits.data() + digits.size() || count < 0) return invalid;
    if (count > max_duration_seconds / unit) return invalid;
    return count * unit;
}

// YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, checked field by field (timegm would
// quietly turn February 30 into March 2).
tl::expected<std::int64_t, std::error_code> parse_date(std::string_view text) {
    const auto invalid = tl::unexpected(make_error_code(Errc::invalid_expiry));
    const bool with_time = text.size() == 20;
    if (text.size() != 10 && !with_time) return invalid;
    const std::string_view pattern = with_time ? "dddd-dd-ddTdd:dd:ddZ" : "dddd-dd-dd";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (pattern[i] == 'd' ? !digit : text[i] != pattern[i]) return invalid;
    }
    auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        std::from_chars(text.data() + at, text.data() + at + length, value);
        return value;
    };
    // Expiries are compared with the clock's nanoseconds, whose 64 bits span
    // 1678 to 2262: a date outside would overflow (the fuzzer found
    // 4052-01-31 and 0749-...). None before 1970 is an expiry either.
    if (number(0, 4) < 1970 || number(0, 4) > max_year) return invalid;
    std::tm tm{};
    tm.tm_year = number(0, 4) - 1900;
    tm.tm_mon = number(5, 2) - 1;
    tm.tm_mday = number(8, 2);
    if (with_time) {
        tm.tm_hour = number(11, 2);
        tm.tm_min = number(14, 2);
        tm.tm_sec = number(17, 2);
    }
    const std::tm asked = tm;
    const std::time_t t = ::timegm(&tm);
    if (tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon || tm.tm_mday != asked.tm_mday ||
        tm.tm_hour != asked.tm_hour || tm.tm_min != asked.tm_min || tm.tm_sec != asked.tm_sec)
        return invalid;
    return static_cast<std::int64_t>(t);
}

}  // namespace

tl::expected<Seconds, std::error_code> parse_expiry(std::string_view text, Clock::time_point now) {
    const auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
    Seconds at;
    if (!text.empty() && text.find('-') == std::string_view::npos) {
        auto duration = parse_duration(text);
        if (!duration) return tl::unexpected(duration.error());
        at = now_s + std::chrono::seconds(*duration);
    } else {
        auto unix = parse_date(text);
        if (!unix) return tl::unexpected(unix.error());
        at = Seconds(std::chrono::seconds(*unix));
    }
    if (at <= now) return tl::unexpected(make_error_code(Errc::expiry_in_past));
    return at;
}

std::string format_utc(Seconds time) {
    const std::time_t t = static_cast<std::time_t>(time.time_since_epoch().count());
    std::tm tm{};
    char buffer[32];
    // A year past int's range has no calendar date; say so instead of
    // printing the zeroed tm as 1900-01-00.
    if (::gmtime_r(&t, &tm) == nullptr ||
        std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return "(out of range: " + std::to_string(time.time_since_epoch().count()) +
               " s since 1970)";
    return buffer;
}

}  // namespace wmsgate::provisioning

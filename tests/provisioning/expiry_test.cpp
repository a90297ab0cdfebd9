#include "provisioning/expiry.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace {

const Clock::time_point now = Clock::time_point(std::chrono::seconds(1'800'000'000));

TEST(Expiry, DurationsCountFromNow) {
    EXPECT_EQ(parse_expiry("30d", now)->time_since_epoch(),
              std::chrono::seconds(1'800'000'000 + 30 * 86400));
    EXPECT_EQ(parse_expiry("90s", now)->time_since_epoch(), std::chrono::seconds(1'800'000'090));
    EXPECT_EQ(parse_expiry("2w", now)->time_since_epoch(),
              std::chrono::seconds(1'800'000'000 + 14 * 86400));
}

TEST(Expiry, DatesAreUtc) {
    EXPECT_EQ(format_utc(parse_expiry("2027-01-31", now).value()), "2027-01-31T00:00:00Z");
    EXPECT_EQ(format_utc(parse_expiry("2027-01-31T12:34:56Z", now).value()),
              "2027-01-31T12:34:56Z");
}

// A time from the registry or a device beyond any calendar date is shown as
// what it is, not as the zeroed "1900-01-00T00:00:00Z".
TEST(Expiry, ATimeWithoutACalendarDateSaysSo) {
    const Seconds far{std::chrono::seconds(std::numeric_limits<std::int64_t>::max())};
    EXPECT_EQ(format_utc(far), "(out of range: 9223372036854775807 s since 1970)");
}

TEST(Expiry, BadTextAndThePastAreRefused) {
    for (const char* text : {"", "d", "30", "30x", "-3d", "3.5d", "2027-02-30", "2027-1-31",
                             "2027-01-31 12:00", "2027-13-01", "99999999999d"}) {
        EXPECT_EQ(parse_expiry(text, now).error(), Errc::invalid_expiry) << text;
    }
    EXPECT_EQ(parse_expiry("2020-01-01", now).error(), Errc::expiry_in_past);
    EXPECT_EQ(parse_expiry("0s", now).error(), Errc::expiry_in_past);
}

// Found by tests/fuzz (corpus/parsers/crash-year-4052, corpus/control/
// crash-year-0749): a date outside 1678..2262 overflowed the nanosecond
// clock it is compared with.
TEST(Expiry, DatesOutside1970To2200AreRefused) {
    for (const char* text : {"4052-01-31", "2263-01-01", "9999-12-31T23:59:59Z", "2201-01-01",
                             "0749-01-01", "0000-01-01", "1677-12-31", "1969-12-31"})
        EXPECT_EQ(parse_expiry(text, now).error(), Errc::invalid_expiry) << text;
    EXPECT_EQ(format_utc(parse_expiry("2200-12-31", now).value()), "2200-12-31T00:00:00Z");
}

}  // namespace
}  // namespace wmsgate::provisioning

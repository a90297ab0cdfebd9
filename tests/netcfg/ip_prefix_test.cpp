#include "netcfg/ip_prefix.hpp"

#include <gtest/gtest.h>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

namespace ip = boost::asio::ip;

TEST(IpPrefix, ParsesV4AndV6) {
    auto v4 = IpPrefix::parse("10.77.0.1/24");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->address, ip::make_address("10.77.0.1"));
    EXPECT_EQ(v4->length, 24);
    EXPECT_EQ(v4->to_string(), "10.77.0.1/24");

    auto v6 = IpPrefix::parse("fd77::1/64");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->length, 64);
    EXPECT_EQ(v6->to_string(), "fd77::1/64");
}

TEST(IpPrefix, BareAddressIsAHost) {
    EXPECT_EQ(IpPrefix::parse("10.0.0.2")->length, 32);
    EXPECT_EQ(IpPrefix::parse("fd00::2")->length, 128);
    EXPECT_EQ(IpPrefix::host(ip::make_address("fd00::2")), *IpPrefix::parse("fd00::2/128"));
}

TEST(IpPrefix, RejectsBadInput) {
    for (const char* bad : {"", "/24", "10.0.0.1/", "10.0.0.1/33", "fd00::1/129", "10.0.0.1/-1",
                            "10.0.0.1/2x", "10.0.0/24", "host.example/24", "10.0.0.1/24/1",
                            // Zone indexes; the long one wrapped around (found by tests/fuzz).
                            "fe80::1%lo/64", "::%1", "::%-5933899a90114444415933899901144444"}) {
        auto p = IpPrefix::parse(bad);
        ASSERT_FALSE(p) << bad;
        EXPECT_EQ(p.error(), make_error_code(Errc::invalid_address)) << bad;
    }
}

TEST(IpPrefix, Contains) {
    const auto net = *IpPrefix::parse("10.77.0.0/24");
    EXPECT_TRUE(net.contains(ip::make_address("10.77.0.200")));
    EXPECT_FALSE(net.contains(ip::make_address("10.77.1.1")));
    EXPECT_FALSE(net.contains(ip::make_address("fd77::1")));
    const auto odd = *IpPrefix::parse("10.0.0.0/13");
    EXPECT_TRUE(odd.contains(ip::make_address("10.7.255.255")));
    EXPECT_FALSE(odd.contains(ip::make_address("10.8.0.0")));
    const auto v6 = *IpPrefix::parse("fd77::/64");
    EXPECT_TRUE(v6.contains(ip::make_address("fd77::abcd")));
    EXPECT_FALSE(v6.contains(ip::make_address("fd78::1")));
    EXPECT_TRUE(IpPrefix::parse("0.0.0.0/0")->contains(ip::make_address("192.0.2.1")));
}

TEST(IpPrefix, Network) {
    EXPECT_EQ(IpPrefix::parse("10.77.0.1/24")->network().to_string(), "10.77.0.0/24");
    EXPECT_EQ(IpPrefix::parse("10.77.3.1/13")->network().to_string(), "10.72.0.0/13");
    EXPECT_EQ(IpPrefix::parse("fd77::1:2/112")->network().to_string(), "fd77::1:0/112");
    EXPECT_EQ(IpPrefix::parse("10.0.0.5/32")->network().to_string(), "10.0.0.5/32");
    EXPECT_EQ(IpPrefix::parse("10.0.0.5/0")->network().to_string(), "0.0.0.0/0");
}

}  // namespace
}  // namespace wmsgate::netcfg

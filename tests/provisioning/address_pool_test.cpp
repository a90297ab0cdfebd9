#include "provisioning/address_pool.hpp"

#include <gtest/gtest.h>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace {
namespace ip = boost::asio::ip;

netcfg::IpPrefix prefix(const char* text) {
    return netcfg::IpPrefix::parse(text).value();
}
ip::address_v4 v4(const char* text) {
    return ip::make_address_v4(text);
}

TEST(NextFreeIpv4, FirstIsTwoWhenApplianceIsOne) {
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/24"), {}).value(), v4("10.77.0.2"));
}

TEST(NextFreeIpv4, SkipsTakenAndFillsGaps) {
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/24"), {v4("10.77.0.2"), v4("10.77.0.3")}).value(),
              v4("10.77.0.4"));
    EXPECT_EQ(
        next_free_ipv4(prefix("10.77.0.1/24"), {v4("10.77.0.3"), v4("10.77.0.2"), v4("10.77.0.5")})
            .value(),
        v4("10.77.0.4"));
}

TEST(NextFreeIpv4, ApplianceAnywhereInThePrefixIsSkipped) {
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.2/24"), {}).value(), v4("10.77.0.1"));
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.254/24"), {}).value(), v4("10.77.0.1"));
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/24"), {v4("10.77.0.2")}).value(), v4("10.77.0.3"));
}

TEST(NextFreeIpv4, TakenOutsideThePrefixIsIgnored) {
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/24"), {v4("192.168.0.2")}).value(), v4("10.77.0.2"));
}

TEST(NextFreeIpv4, Slash30HasTwoHostsOneForTheAppliance) {
    // 10.77.0.0/30: .0 network, .3 broadcast, .1 appliance, .2 the only peer.
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/30"), {}).value(), v4("10.77.0.2"));
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/30"), {v4("10.77.0.2")}).error(), Errc::prefix_full);
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.2/30"), {}).value(), v4("10.77.0.1"));
}

TEST(NextFreeIpv4, Slash31UsesBothAddresses) {
    // RFC 3021: no network or broadcast address on a /31.
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/31"), {}).value(), v4("10.77.0.0"));
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.0/31"), {}).value(), v4("10.77.0.1"));
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.0/31"), {v4("10.77.0.1")}).error(), Errc::prefix_full);
}

TEST(NextFreeIpv4, Slash32HoldsOnlyTheAppliance) {
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/32"), {}).error(), Errc::prefix_full);
}

TEST(NextFreeIpv4, FullPrefixIsAnError) {
    std::vector<ip::address_v4> taken;
    for (unsigned host = 2; host <= 254; ++host) taken.emplace_back(0x0a4d0000u | host);
    const auto result = next_free_ipv4(prefix("10.77.0.1/24"), taken);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), Errc::prefix_full);

    taken.pop_back();  // free 10.77.0.254 again; never hands out .255
    EXPECT_EQ(next_free_ipv4(prefix("10.77.0.1/24"), taken).value(), v4("10.77.0.254"));
}

TEST(NextFreeIpv4, WidePrefixesWork) {
    EXPECT_EQ(next_free_ipv4(prefix("10.0.0.1/8"), {v4("10.0.0.2")}).value(), v4("10.0.0.3"));
    EXPECT_EQ(next_free_ipv4(prefix("0.0.0.1/0"), {}).value(), v4("0.0.0.2"));
}

TEST(NextFreeIpv4, Ipv6PrefixIsRefused) {
    EXPECT_EQ(next_free_ipv4(prefix("fd77::1/64"), {}).error(), Errc::invalid_prefix);
}

ip::address_v6 v6(const char* text) {
    return ip::make_address_v6(text);
}

TEST(NextFreeIpv6, SkipsTheSubnetRouterAnycastAndTheAppliance) {
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/64"), {}).value(), v6("fd77::2"));
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/64"), {v6("fd77::2"), v6("fd77::4")}).value(),
              v6("fd77::3"));
    EXPECT_EQ(next_free_ipv6(prefix("fd77::5/64"), {}).value(), v6("fd77::1"));
}

TEST(NextFreeIpv6, SmallPrefixesFillUp) {
    // A /126: ::0 is the anycast address, ::1 the appliance; ::2 and ::3 remain.
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/126"), {v6("fd77::2")}).value(), v6("fd77::3"));
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/126"), {v6("fd77::2"), v6("fd77::3")}).error(),
              Errc::prefix_full);
    // A /127 (RFC 6164) has two usable addresses, one of them the appliance's.
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/127"), {}).value(), v6("fd77::"));
    EXPECT_EQ(next_free_ipv6(prefix("fd77::1/128"), {}).error(), Errc::prefix_full);
    EXPECT_EQ(next_free_ipv6(prefix("10.0.0.1/8"), {}).error(), Errc::invalid_prefix);
}

TEST(AllocateAddresses, OneOfEachFamilyConfigured) {
    const auto both = allocate_addresses({prefix("fd77::1/64"), prefix("10.77.0.1/24")},
                                         {ip::address(v4("10.77.0.2"))})
                          .value();
    EXPECT_EQ(both.ipv4, v4("10.77.0.3"));
    EXPECT_EQ(both.ipv6, v6("fd77::2"));
    EXPECT_FALSE(allocate_addresses({prefix("10.77.0.1/24")}, {}).value().ipv6);
    EXPECT_EQ(allocate_addresses({prefix("fd77::1/64")}, {}).error(), Errc::invalid_prefix);
    EXPECT_EQ(allocate_addresses({prefix("10.77.0.1/30"), prefix("fd77::1/64")},
                                 {ip::address(v4("10.77.0.2"))})
                  .error(),
              Errc::prefix_full);
}

}  // namespace
}  // namespace wmsgate::provisioning

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

TEST(AddressPool, HandsOutLowestFirstAndOnlyTakenAddressesCount) {
    auto pool = AddressPool::make({prefix("10.77.0.1/24"), prefix("fd77::1/64")},
                                  {ip::address(v4("10.77.0.3")), ip::address(v6("fd77::2"))})
                    .value();
    const auto first = pool.next().value();
    EXPECT_EQ(first.ipv4, v4("10.77.0.2"));
    EXPECT_EQ(first.ipv6, v6("fd77::3"));
    // next() alone reserves nothing.
    EXPECT_EQ(pool.next().value().ipv4, v4("10.77.0.2"));

    pool.take(first);
    const auto second = pool.next().value();
    EXPECT_EQ(second.ipv4, v4("10.77.0.4"));  // .3 was taken already
    EXPECT_EQ(second.ipv6, v6("fd77::4"));
}

// What a retry after a lost race asks for: free addresses further up,
// never a taken one, and the highest free one when the skip runs past it.
TEST(AddressPool, ASkipCountsOnlyFreeAddressesAndStopsAtTheLastOne) {
    const auto pool = AddressPool::make({prefix("10.77.0.1/29"), prefix("fd77::1/125")},
                                        {ip::address(v4("10.77.0.3")), ip::address(v6("fd77::3"))})
                          .value();  // IPv4 .2 to .6 free but .3
    EXPECT_EQ(pool.next(0).value().ipv4, v4("10.77.0.2"));
    EXPECT_EQ(pool.next(1).value().ipv4, v4("10.77.0.4"));
    EXPECT_EQ(pool.next(1).value().ipv6, v6("fd77::4"));
    EXPECT_EQ(pool.next(2).value().ipv4, v4("10.77.0.5"));
    EXPECT_EQ(pool.next(3).value().ipv4, v4("10.77.0.6"));
    EXPECT_EQ(pool.next(50).value().ipv4, v4("10.77.0.6"));
    EXPECT_EQ(pool.next(50).value().ipv6, v6("fd77::7"));
}

TEST(AddressPool, AReleasedAddressIsTheNextOneAgain) {
    auto pool = AddressPool::make({prefix("10.77.0.1/24")}, {}).value();
    std::vector<PeerAddresses> given;
    for (int i = 0; i < 5; ++i) {
        given.push_back(pool.next().value());
        pool.take(given.back());
    }
    EXPECT_EQ(given.back().ipv4, v4("10.77.0.6"));
    pool.release(given[1]);  // 10.77.0.3
    EXPECT_EQ(pool.next().value().ipv4, v4("10.77.0.3"));
    pool.take(given[1]);
    EXPECT_EQ(pool.next().value().ipv4, v4("10.77.0.7"));
    // The appliance's own address is never given back.
    pool.release({v4("10.77.0.1"), std::nullopt});
    EXPECT_EQ(pool.next().value().ipv4, v4("10.77.0.7"));
}

TEST(AddressPool, FullIsAnErrorUntilAnAddressIsReleased) {
    auto pool = AddressPool::make({prefix("10.77.0.1/29")}, {}).value();  // .2 to .6
    for (int i = 0; i < 5; ++i) pool.take(pool.next().value());
    EXPECT_EQ(pool.next().error(), Errc::prefix_full);
    pool.release({v4("10.77.0.5"), std::nullopt});
    EXPECT_EQ(pool.next().value().ipv4, v4("10.77.0.5"));
    pool.take(pool.next().value());
    EXPECT_EQ(pool.next().error(), Errc::prefix_full);

    auto v6_full = AddressPool::make({prefix("10.77.0.1/24"), prefix("fd77::1/127")}, {}).value();
    v6_full.take(v6_full.next().value());
    EXPECT_EQ(v6_full.next().error(), Errc::prefix_full);
    EXPECT_EQ(AddressPool::make({prefix("fd77::1/64")}, {}).error(), Errc::invalid_prefix);
}

// A pool told of every address it hands out gives what a fresh allocation
// over all addresses taken so far gives, also with taken addresses scattered
// and some given back.
TEST(AddressPool, AgreesWithAFreshAllocationEveryStep) {
    const std::vector<netcfg::IpPrefix> prefixes = {prefix("10.77.0.1/23"), prefix("fd77::1/120")};
    std::vector<ip::address> taken;
    for (unsigned host : {2u, 3u, 7u, 40u, 41u, 200u, 300u})
        taken.emplace_back(ip::address_v4(0x0a4d0000u | host));
    for (unsigned host : {2u, 5u, 6u}) {
        auto bytes = v6("fd77::").to_bytes();
        bytes[15] = static_cast<unsigned char>(host);
        taken.emplace_back(ip::address_v6(bytes));
    }
    auto pool = AddressPool::make(prefixes, taken).value();
    for (int step = 0; step < 260; ++step) {
        const auto fresh = allocate_addresses(prefixes, taken);
        const auto kept = pool.next();
        ASSERT_EQ(fresh.has_value(), kept.has_value()) << "step " << step;
        if (!fresh) {
            EXPECT_EQ(fresh.error(), kept.error());
            break;
        }
        ASSERT_EQ(fresh->ipv4, kept->ipv4) << "step " << step;
        ASSERT_EQ(fresh->ipv6, kept->ipv6) << "step " << step;
        pool.take(*kept);
        taken.emplace_back(kept->ipv4);
        taken.emplace_back(*kept->ipv6);
        if (step % 50 == 49) {
            // Give back the address taken ten steps ago.
            const auto back = taken.size() - 20;
            const PeerAddresses given{taken[back].to_v4(), taken[back + 1].to_v6()};
            pool.release(given);
            taken.erase(taken.begin() + static_cast<std::ptrdiff_t>(back),
                        taken.begin() + static_cast<std::ptrdiff_t>(back) + 2);
        }
    }
}

}  // namespace
}  // namespace wmsgate::provisioning

// At start, no peer may hold the appliance's own tunnel address.
#include "daemon/own_address.hpp"

#include <gtest/gtest.h>

namespace wmsgate::daemon {
namespace {

provisioning::Peer peer(const std::string& name, const char* ipv4, const char* ipv6 = nullptr) {
    provisioning::Peer p;
    p.name = name;
    p.ipv4 = boost::asio::ip::make_address_v4(ipv4);
    if (ipv6) p.ipv6 = boost::asio::ip::make_address_v6(ipv6);
    return p;
}

const std::vector<netcfg::IpPrefix> own = {netcfg::IpPrefix::parse("10.77.0.1/24").value(),
                                           netcfg::IpPrefix::parse("fd77::1/64").value()};

TEST(OwnAddress, APeerHoldingTheApplianceAddressIsRefusedWithTheFix) {
    const auto v4 = check_no_peer_holds_own_address(
        own, {peer("alice", "10.77.0.2"), peer("bob", "10.77.0.1")}, "/etc/wmsgate/wmsgate.toml");
    ASSERT_FALSE(v4);
    EXPECT_NE(v4.error().find("peer \"bob\" holds 10.77.0.1"), std::string::npos) << v4.error();
    EXPECT_NE(v4.error().find("interface.address in /etc/wmsgate/wmsgate.toml"), std::string::npos);
    EXPECT_NE(v4.error().find("wmsgatectl peer revoke bob"), std::string::npos);
    const auto v6 =
        check_no_peer_holds_own_address(own, {peer("carol", "10.77.0.3", "fd77::1")}, "c.toml");
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.error().find("holds fd77::1"), std::string::npos) << v6.error();
}

TEST(OwnAddress, OtherAndRevokedPeersPass) {
    auto revoked = peer("dave", "10.77.0.1");
    revoked.revoked = provisioning::Seconds{};
    EXPECT_TRUE(check_no_peer_holds_own_address(
        own, {peer("alice", "10.77.0.2", "fd77::2"), revoked}, "c.toml"));
    EXPECT_TRUE(check_no_peer_holds_own_address(own, {}, "c.toml"));
}

}  // namespace
}  // namespace wmsgate::daemon

#include "netcfg/rtnetlink.hpp"

#include <algorithm>

#include "integration_fixture.hpp"
#include "netcfg/errors.hpp"

namespace wmsgate::netcfg::testing {
namespace {

bool has(const std::vector<IpPrefix>& prefixes, const std::string& text) {
    return std::find(prefixes.begin(), prefixes.end(), *IpPrefix::parse(text)) != prefixes.end();
}

using RtnetlinkTest = NetnsTest;

TEST_F(RtnetlinkTest, AddressesAreAddedReadBackAndTheLinkComesUp) {
    ASSERT_NE(start_wireguard_go('a'), nullptr);
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl) << rtnl.error().message();
    auto index = rtnl->link_index(ifname('a'));
    ASSERT_TRUE(index) << index.error().message();
    EXPECT_GT(*index, 1);  // 1 is this namespace's loopback

    ASSERT_TRUE(rtnl->add_address(*index, *IpPrefix::parse("10.99.0.1/24")));
    ASSERT_TRUE(rtnl->add_address(*index, *IpPrefix::parse("fd99::1/64")));
    // Idempotent: adding what is there succeeds.
    auto again = rtnl->add_address(*index, *IpPrefix::parse("10.99.0.1/24"));
    EXPECT_TRUE(again) << again.error().message();
    EXPECT_TRUE(rtnl->add_address(*index, *IpPrefix::parse("fd99::1/64")));

    auto addresses = rtnl->addresses(*index);
    ASSERT_TRUE(addresses) << addresses.error().message();
    EXPECT_TRUE(has(*addresses, "10.99.0.1/24"));
    EXPECT_TRUE(has(*addresses, "fd99::1/64"));
    EXPECT_EQ(std::count(addresses->begin(), addresses->end(), *IpPrefix::parse("10.99.0.1/24")),
              1);
    // Filtered by link: loopback's list has none of them.
    auto loopback = rtnl->addresses(1);
    ASSERT_TRUE(loopback);
    EXPECT_FALSE(has(*loopback, "10.99.0.1/24"));

    ASSERT_TRUE(rtnl->set_link_up(*index));

    // Independently, with iproute2.
    const auto ip_addr = run_command("ip -o addr show dev " + ifname('a'));
    EXPECT_NE(ip_addr.find("inet 10.99.0.1/24"), std::string::npos) << ip_addr;
    EXPECT_NE(ip_addr.find("inet6 fd99::1/64"), std::string::npos) << ip_addr;
    const auto ip_link = run_command("ip -o link show dev " + ifname('a'));
    EXPECT_NE(ip_link.find(",UP"), std::string::npos) << ip_link;
}

TEST_F(RtnetlinkTest, MissingLinksAndBadNames) {
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    EXPECT_EQ(rtnl->link_index("wgtnothere").error(), make_error_code(Errc::link_not_found));
    EXPECT_EQ(rtnl->link_index("bad/name").error(), make_error_code(Errc::interface_name_invalid));
    EXPECT_EQ(*rtnl->link_index("lo"), 1);
    EXPECT_EQ(rtnl->set_link_up(99999).error(), make_error_code(Errc::link_not_found));
    EXPECT_EQ(rtnl->delete_link(99999).error(), make_error_code(Errc::link_not_found));
    EXPECT_FALSE(rtnl->add_address(99999, *IpPrefix::parse("10.99.0.1/24")));
}

TEST_F(RtnetlinkTest, DeletingTheLinkEndsWireguardGo) {
    auto* wg = start_wireguard_go('b');
    ASSERT_NE(wg, nullptr);
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    auto index = rtnl->link_index(ifname('b'));
    ASSERT_TRUE(index);
    auto deleted = rtnl->delete_link(*index);
    ASSERT_TRUE(deleted) << deleted.error().message();
    EXPECT_EQ(rtnl->link_index(ifname('b')).error(), make_error_code(Errc::link_not_found));
    EXPECT_TRUE(eventually([&] { return !wg->running(); }));
}

TEST_F(RtnetlinkTest, MtuRemovalAndLinkKind) {
    ASSERT_NE(start_wireguard_go('c'), nullptr);
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    auto info = rtnl->link_info(ifname('c'));
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_EQ(info->kind, "tun");  // what wireguard-go's link looks like
    const int index = info->index;

    ASSERT_TRUE(rtnl->set_mtu(index, 1380));
    EXPECT_EQ(rtnl->link_info(ifname('c'))->mtu, 1380u);
    EXPECT_NE(run_command("ip -o link show dev " + ifname('c')).find("mtu 1380"),
              std::string::npos);

    const auto v4 = *IpPrefix::parse("10.99.0.1/24");
    const auto v6 = *IpPrefix::parse("fd99::1/64");
    ASSERT_TRUE(rtnl->add_address(index, v4));
    ASSERT_TRUE(rtnl->add_address(index, v6));
    for (int round = 0; round < 2; ++round) {  // the second proves idempotence
        auto removed4 = rtnl->remove_address(index, v4);
        EXPECT_TRUE(removed4) << removed4.error().message();
        auto removed6 = rtnl->remove_address(index, v6);
        EXPECT_TRUE(removed6) << removed6.error().message();
    }
    auto addresses = rtnl->addresses(index);
    ASSERT_TRUE(addresses);
    EXPECT_FALSE(has(*addresses, "10.99.0.1/24"));
    EXPECT_FALSE(has(*addresses, "fd99::1/64"));
    EXPECT_EQ(run_command("ip -o addr show dev " + ifname('c')).find("10.99.0.1"),
              std::string::npos);

    ASSERT_TRUE(rtnl->set_link_up(index));
    EXPECT_TRUE(rtnl->link_info(ifname('c'))->up);
    ASSERT_TRUE(rtnl->set_link_down(index));
    EXPECT_FALSE(rtnl->link_info(ifname('c'))->up);
    EXPECT_EQ(rtnl->link_info("lo")->kind, "");
}

TEST_F(RtnetlinkTest, CreatingAndDeletingALink) {
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    // A kind every kernel has.
    auto index = rtnl->create_link(ifname('d'), "veth");
    ASSERT_TRUE(index) << index.error().message();
    EXPECT_EQ(rtnl->link_info(ifname('d'))->kind, "veth");
    EXPECT_EQ(rtnl->create_link(ifname('d'), "veth").error(),
              make_error_code(Errc::interface_taken));
    EXPECT_EQ(rtnl->create_link("lo", "wireguard").error(), make_error_code(Errc::interface_taken));
    ASSERT_TRUE(rtnl->delete_link(*index));
    EXPECT_EQ(rtnl->link_index(ifname('d')).error(), make_error_code(Errc::link_not_found));
    EXPECT_EQ(rtnl->create_link("bad/name", "wireguard").error(),
              make_error_code(Errc::interface_name_invalid));
}

TEST_F(RtnetlinkTest, WireguardKindOnAKernelWithoutItIsDistinguishable) {
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    auto created = rtnl->create_wireguard_link(ifname('e'));
    if (created) GTEST_SKIP() << "this kernel has WireGuard";
    EXPECT_EQ(created.error(), make_error_code(Errc::kernel_wireguard_missing));
    EXPECT_NE(created.error().message().find("backend"), std::string::npos);
}

TEST_F(RtnetlinkTest, SocketIsMovable) {
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    Rtnetlink moved = std::move(*rtnl);
    EXPECT_EQ(*moved.link_index("lo"), 1);
    EXPECT_EQ(*moved.link_index("lo"), 1);  // sequence numbers keep matching
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

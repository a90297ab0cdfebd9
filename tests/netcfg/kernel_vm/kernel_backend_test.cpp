// Kernel-only behaviour, run inside the test VM (and anywhere else whose
// kernel has WireGuard; elsewhere the tests skip).
#include <gtest/gtest.h>
#include <linux/wireguard.h>

#include "../conformance/backend_session.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/wg_kernel.hpp"
#include "netcfg/wg_netlink_codec.hpp"

namespace wmsgate::netcfg::testing {
namespace {

#define ASSERT_OK(expr)                                                     \
    do {                                                                    \
        const auto result_ = (expr);                                        \
        ASSERT_TRUE(result_) << #expr << ": " << result_.error().message(); \
    } while (false)

class KernelBackend : public ::testing::Test {
  protected:
    void SetUp() override {
        WMSGATE_START_SESSION(session_, (BackendCase{"kernel", BackendChoice::kernel}));
    }
    void TearDown() override { session_.stop(); }

    Rtnetlink rtnl() {
        auto r = Rtnetlink::open();
        EXPECT_TRUE(r);
        return std::move(*r);
    }

    BackendSession session_;
};

TEST_F(KernelBackend, CreatesALinkOfKindWireguard) {
    EXPECT_TRUE(session_.opened().created);
    EXPECT_EQ(session_.opened().wireguard_go, nullptr);
    auto link = rtnl().link_info(session_.ifname());
    ASSERT_TRUE(link) << link.error().message();
    EXPECT_EQ(link->kind, "wireguard");
}

TEST_F(KernelBackend, ThousandPeersGoOutInSeveralMessagesReadBackAndGo) {
    const auto peers = numbered_peers(1000);
    DeviceUpdate update;
    update.private_key = SecretKey::generate_private();
    update.peers = upserts(peers);
    // The same update as messages: more than one, so the split is exercised.
    ASSERT_GT(encode_set_device(1, session_.ifname(), update).size(), 1u);
    ASSERT_OK(session_.device().apply(update));
    auto state = session_.device().get();
    ASSERT_TRUE(state) << state.error().message();
    expect_device_holds(*state, peers);

    DeviceUpdate removal;
    for (int i = 0; i < 900; ++i) removal.peers.push_back({PeerUpdate::Kind::remove, peers[i]});
    ASSERT_OK(session_.device().apply(removal));
    state = session_.device().get();
    ASSERT_TRUE(state);
    expect_device_holds(*state, std::vector<WgPeer>(peers.begin() + 900, peers.end()));
}

TEST_F(KernelBackend, AutomaticAdoptsTheExistingKernelLink) {
    auto again = open_wireguard_device(session_.ifname(), BackendChoice::automatic);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->backend_name, "kernel");
    EXPECT_FALSE(again->created);
    DeviceUpdate update;
    update.listen_port = 40001;
    ASSERT_OK(again->device->apply(update));
    // Both handles see the same device.
    auto state = session_.device().get();
    ASSERT_TRUE(state);
    EXPECT_EQ(state->listen_port, 40001);
    again = tl::unexpected(std::error_code());  // an adopted link stays
    EXPECT_TRUE(rtnl().link_index(session_.ifname()));
}

TEST_F(KernelBackend, AutomaticCreatesAKernelLinkAndRemovesItWhenDone) {
    const auto name = session_.another_name();
    {
        auto opened = open_wireguard_device(name, BackendChoice::automatic);
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(opened->backend_name, "kernel");
        EXPECT_TRUE(opened->created);
        EXPECT_TRUE(rtnl().link_index(name));
    }
    EXPECT_EQ(rtnl().link_index(name).error(), make_error_code(Errc::link_not_found));
}

TEST_F(KernelBackend, UapiOnAKernelLinkIsAMismatch) {
    auto opened = open_wireguard_device(session_.ifname(), BackendChoice::uapi);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), make_error_code(Errc::backend_mismatch));
}

TEST_F(KernelBackend, ANonWireguardLinkIsTaken) {
    auto opened = open_wireguard_device("lo", BackendChoice::kernel);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), make_error_code(Errc::interface_taken));
    auto create = rtnl().create_wireguard_link(session_.ifname());
    ASSERT_FALSE(create);
    EXPECT_EQ(create.error(), make_error_code(Errc::interface_taken));
}

TEST_F(KernelBackend, GetOnAMissingDeviceIsLinkNotFound) {
    auto device = KernelDevice::open("wgc-none");
    ASSERT_TRUE(device) << device.error().message();
    auto state = (*device)->get();
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error(), make_error_code(Errc::link_not_found));
}

TEST_F(KernelBackend, LinkMtuAddressesAndState) {
    auto r = rtnl();
    auto index = r.link_index(session_.ifname());
    ASSERT_TRUE(index);
    ASSERT_OK(r.set_mtu(*index, 1380));
    const auto v4 = *IpPrefix::parse("10.77.0.1/24");
    const auto v6 = *IpPrefix::parse("fd77::1/64");
    for (int i = 0; i < 2; ++i) {  // the second round proves idempotence
        ASSERT_OK(r.add_address(*index, v4));
        ASSERT_OK(r.add_address(*index, v6));
    }
    ASSERT_OK(r.set_link_up(*index));
    auto link = r.link_info(session_.ifname());
    ASSERT_TRUE(link);
    EXPECT_EQ(link->mtu, 1380u);
    EXPECT_TRUE(link->up);
    auto addresses = r.addresses(*index);
    ASSERT_TRUE(addresses);
    EXPECT_NE(std::find(addresses->begin(), addresses->end(), v4), addresses->end());
    EXPECT_NE(std::find(addresses->begin(), addresses->end(), v6), addresses->end());

    for (int i = 0; i < 2; ++i) {
        ASSERT_OK(r.remove_address(*index, v4));
        ASSERT_OK(r.remove_address(*index, v6));
    }
    addresses = r.addresses(*index);
    ASSERT_TRUE(addresses);
    EXPECT_EQ(std::find(addresses->begin(), addresses->end(), v4), addresses->end());
    EXPECT_EQ(std::find(addresses->begin(), addresses->end(), v6), addresses->end());
    ASSERT_OK(r.set_link_down(*index));
    EXPECT_FALSE(r.link_info(session_.ifname())->up);
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

#include "wg_device_conformance.hpp"

#include <algorithm>

#include "netcfg/converge.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/reconcile.hpp"

namespace wmsgate::netcfg::testing {

std::string backend_case_name(const ::testing::TestParamInfo<BackendCase>& info) {
    return info.param.name;
}

std::string peer_count_name(const ::testing::TestParamInfo<std::tuple<BackendCase, int>>& info) {
    return std::get<0>(info.param).name + "_" + std::to_string(std::get<1>(info.param));
}

namespace {

#define ASSERT_OK(expr)                                                     \
    do {                                                                    \
        const auto result_ = (expr);                                        \
        ASSERT_TRUE(result_) << #expr << ": " << result_.error().message(); \
    } while (false)

WgDeviceState read(WgDevice& device) {
    auto state = device.get();
    EXPECT_TRUE(state) << state.error().message();
    return state ? std::move(*state) : WgDeviceState{};
}

TEST_P(WgDeviceConformance, FreshDeviceHasNoKeyAndNoPeers) {
    const auto state = read(device());
    EXPECT_FALSE(state.public_key);
    EXPECT_TRUE(state.peers.empty());
    EXPECT_EQ(state.fwmark, 0u);
}

TEST_P(WgDeviceConformance, SetsPrivateKeyListenPortAndFwmark) {
    const auto key = SecretKey::generate_private();
    DeviceUpdate update;
    update.private_key = key;
    update.listen_port = 51999;
    update.fwmark = 0x2a;
    ASSERT_OK(device().apply(update));
    const auto state = read(device());
    ASSERT_TRUE(state.public_key);
    EXPECT_EQ(*state.public_key, key.public_key());
    EXPECT_EQ(state.listen_port, 51999);
    EXPECT_EQ(state.fwmark, 0x2au);

    // Set only what is given: a port change keeps the key and the mark.
    DeviceUpdate port;
    port.listen_port = 52000;
    ASSERT_OK(device().apply(port));
    const auto after = read(device());
    ASSERT_TRUE(after.public_key);
    EXPECT_EQ(*after.public_key, key.public_key());
    EXPECT_EQ(after.listen_port, 52000);
    EXPECT_EQ(after.fwmark, 0x2au);
}

TEST_P(WgDeviceConformance, UpsertReplacesAllowedIpsPresharedKeyAndKeepalive) {
    auto peer = numbered_peer(0);  // preshared key and endpoint
    DeviceUpdate first;
    first.peers = upserts({peer});
    ASSERT_OK(device().apply(first));
    expect_device_holds(read(device()), {peer});

    peer.preshared_key.reset();
    peer.persistent_keepalive = 0;
    peer.allowed_ips = {*IpPrefix::parse("10.98.7.0/24")};  // drops both old ones
    DeviceUpdate second;
    second.peers = upserts({peer});
    ASSERT_OK(device().apply(second));
    // The endpoint is kept: neither protocol can unset one.
    expect_device_holds(read(device()), {peer});
}

TEST_P(WgDeviceConformance, UpsertWithNoAllowedIpsClearsThem) {
    auto peer = numbered_peer(1);
    DeviceUpdate first;
    first.peers = upserts({peer});
    ASSERT_OK(device().apply(first));
    peer.allowed_ips.clear();
    DeviceUpdate second;
    second.peers = upserts({peer});
    ASSERT_OK(device().apply(second));
    expect_device_holds(read(device()), {peer});
}

TEST_P(WgDeviceConformance, RemoveDeletesOnlyThatPeer) {
    auto peers = numbered_peers(3);
    DeviceUpdate add;
    add.peers = upserts(peers);
    ASSERT_OK(device().apply(add));

    DeviceUpdate remove;
    remove.peers = {{PeerUpdate::Kind::remove, peers[1]}};
    ASSERT_OK(device().apply(remove));
    peers.erase(peers.begin() + 1);
    expect_device_holds(read(device()), peers);

    // Removing a peer the device does not have is not an error.
    ASSERT_OK(device().apply(remove));
    expect_device_holds(read(device()), peers);
}

TEST_P(WgDeviceConformance, UpdateOnlyChangesExistingPeersAndCreatesNone) {
    auto present = numbered_peer(4);
    const auto absent = numbered_peer(5);
    DeviceUpdate add;
    add.peers = upserts({present});
    ASSERT_OK(device().apply(add));

    present.allowed_ips = {*IpPrefix::parse("10.97.0.1/32")};
    DeviceUpdate update;
    update.peers = {{PeerUpdate::Kind::update_only, present},
                    {PeerUpdate::Kind::update_only, absent}};
    ASSERT_OK(device().apply(update));
    expect_device_holds(read(device()), {present});
}

TEST_P(WgDeviceConformance, ReplacePeersDropsEveryPeerNotNamed) {
    DeviceUpdate add;
    add.peers = upserts(numbered_peers(5));
    ASSERT_OK(device().apply(add));

    const auto kept = numbered_peers(2, 10);
    DeviceUpdate replace;
    replace.replace_peers = true;
    replace.peers = upserts(kept);
    ASSERT_OK(device().apply(replace));
    expect_device_holds(read(device()), kept);

    DeviceUpdate clear;
    clear.replace_peers = true;
    ASSERT_OK(device().apply(clear));
    EXPECT_TRUE(read(device()).peers.empty());
}

// What the daemon does at every start: a device left behind by a killed run
// (stray peers, a widened peer, a foreign port and mark) ends holding exactly
// the desired state, and a second pass sends nothing.
TEST_P(WgDeviceConformance, ConvergeMakesALeftoverDeviceExactlyTheDesiredOne) {
    const auto key = SecretKey::generate_private();
    const auto kept = numbered_peer(20);
    auto widened = kept;
    widened.allowed_ips.push_back(*IpPrefix::parse("0.0.0.0/0"));
    DeviceUpdate leftovers;
    leftovers.listen_port = 52111;
    leftovers.fwmark = 0x51;
    leftovers.peers = upserts({numbered_peer(21), numbered_peer(22), widened});
    ASSERT_OK(device().apply(leftovers));

    DesiredDevice desired{key, 52112, {kept, numbered_peer(23)}};
    const auto first = converge_device(device(), desired);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_TRUE(first->identity_changed);
    EXPECT_EQ(first->peers_removed, 2u);
    EXPECT_EQ(first->peers_written, 2u);
    const auto state = read(device());
    ASSERT_TRUE(state.public_key);
    EXPECT_EQ(*state.public_key, key.public_key());
    EXPECT_EQ(state.listen_port, 52112);
    EXPECT_EQ(state.fwmark, 0u);
    expect_device_holds(state, desired.peers);

    const auto second = converge_device(device(), desired);
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_FALSE(second->identity_changed);
    EXPECT_EQ(second->peers_removed + second->peers_written, 0u);
}

TEST_P(WgDeviceConformance, PeerWithSixHundredAllowedIps) {
    // More than one netlink message holds: the kernel backend cuts the peer.
    auto peer = numbered_peer(6);
    peer.allowed_ips.clear();
    for (int n = 0; n < 600; ++n)
        peer.allowed_ips.push_back(*IpPrefix::parse("10.96." + std::to_string(n / 250) + "." +
                                                    std::to_string(n % 250 + 1) + "/32"));
    DeviceUpdate add;
    add.peers = upserts({peer});
    ASSERT_OK(device().apply(add));
    expect_device_holds(read(device()), {peer});

    // Upserting again with a short list replaces all 600.
    peer.allowed_ips = {*IpPrefix::parse("10.95.0.1/32")};
    DeviceUpdate shrink;
    shrink.peers = upserts({peer});
    ASSERT_OK(device().apply(shrink));
    expect_device_holds(read(device()), {peer});
}

TEST_P(WgDeviceConformance, EndpointsIpv4AndIpv6RoundTrip) {
    auto v4 = numbered_peer(7);
    v4.persistent_keepalive = 0;
    v4.endpoint = "198.51.100.4:1234";
    auto v6 = numbered_peer(8);
    v6.persistent_keepalive = 0;
    v6.endpoint = "[2001:db8::42]:51820";
    DeviceUpdate add;
    add.peers = upserts({v4, v6});
    ASSERT_OK(device().apply(add));
    expect_device_holds(read(device()), {v4, v6});
}

TEST_P(WgDeviceConformance, HostBitsInAllowedIpsAreStoredAsNetworks) {
    auto peer = numbered_peer(9);
    peer.allowed_ips = {*IpPrefix::parse("10.94.0.5/24"), *IpPrefix::parse("fd94::5/64")};
    DeviceUpdate add;
    add.peers = upserts({peer});
    ASSERT_OK(device().apply(add));
    const auto state = read(device());
    ASSERT_EQ(state.peers.size(), 1u);
    std::vector<std::string> got;
    for (const auto& p : state.peers[0].allowed_ips) got.push_back(p.to_string());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"10.94.0.0/24", "fd94::/64"}));
}

TEST_P(WgDeviceConformance, EmptyUpdateChangesNothing) {
    DeviceUpdate add;
    add.peers = upserts(numbered_peers(2));
    ASSERT_OK(device().apply(add));
    const auto before = read(device());
    ASSERT_OK(device().apply(DeviceUpdate{}));
    EXPECT_EQ(read(device()).peers.size(), before.peers.size());
}

TEST_P(WgDeviceConformance, BadEndpointIsRefusedBeforeAnythingIsSent) {
    auto good = numbered_peer(11);
    auto bad = numbered_peer(12);
    bad.endpoint = "192.0.2.1:51820\nremove=true";
    DeviceUpdate update;
    update.peers = upserts({good, bad});
    const auto applied = device().apply(update);
    ASSERT_FALSE(applied);
    EXPECT_EQ(applied.error(), make_error_code(Errc::invalid_endpoint));
    EXPECT_TRUE(read(device()).peers.empty());
}

TEST_P(WgDeviceConformance, ReconcileConvergesThenSendsNothing) {
    const auto stray = numbered_peers(2, 50);
    DeviceUpdate initial;
    initial.peers = upserts(stray);
    ASSERT_OK(device().apply(initial));

    auto desired = numbered_peers(20);
    desired[0].allowed_ips.push_back(*IpPrefix::parse("10.93.0.5/24"));  // host bits set
    const auto changes = reconcile(desired, read(device()).peers);
    ASSERT_EQ(changes.size(), 22u);  // 2 removals, 20 new
    DeviceUpdate update;
    update.peers = changes;
    ASSERT_OK(device().apply(update));

    const auto after = read(device());
    expect_device_holds(after, desired);
    EXPECT_TRUE(reconcile(desired, after.peers).empty());
}

TEST_P(WgDevicePeerCount, SetReadBackAndRemoveHalf) {
    const int count = std::get<1>(GetParam());
    WgDevice& device = session_.device();
    auto peers = numbered_peers(count);
    DeviceUpdate update;
    update.private_key = SecretKey::generate_private();
    update.listen_port = 51998;
    update.peers = upserts(peers);
    ASSERT_OK(device.apply(update));
    auto state = device.get();
    ASSERT_TRUE(state) << state.error().message();
    ASSERT_TRUE(state->public_key);
    EXPECT_EQ(*state->public_key, update.private_key->public_key());
    expect_device_holds(*state, peers);
    EXPECT_TRUE(reconcile(peers, state->peers).empty());

    DeviceUpdate removal;
    for (std::size_t i = 0; i < peers.size(); i += 2)
        removal.peers.push_back({PeerUpdate::Kind::remove, peers[i]});
    ASSERT_OK(device.apply(removal));
    std::vector<WgPeer> left;
    for (std::size_t i = 1; i < peers.size(); i += 2) left.push_back(peers[i]);
    auto after = device.get();
    ASSERT_TRUE(after) << after.error().message();
    expect_device_holds(*after, left);
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

#include "netcfg/reconcile.hpp"

#include <gtest/gtest.h>

namespace wmsgate::netcfg {
namespace {

WgPeer make_peer(int n, std::vector<std::string> ips) {
    WgPeer p;
    std::array<std::uint8_t, key_size> bytes{};
    bytes[0] = static_cast<std::uint8_t>(n);
    p.public_key = PublicKey::from_bytes(bytes);
    for (const auto& ip : ips) p.allowed_ips.push_back(*IpPrefix::parse(ip));
    return p;
}

// What a device would report after applying `changes` to `actual`.
std::vector<WgPeer> applied(std::vector<WgPeer> actual, const std::vector<PeerUpdate>& changes) {
    for (const auto& change : changes) {
        std::erase_if(actual,
                      [&](const WgPeer& p) { return p.public_key == change.peer.public_key; });
        if (change.kind == PeerUpdate::Kind::upsert) actual.push_back(change.peer);
    }
    return actual;
}

TEST(Reconcile, EqualSetsNeedNothing) {
    const std::vector desired{make_peer(1, {"10.0.0.2/32"}), make_peer(2, {"10.0.0.3/32"})};
    EXPECT_TRUE(reconcile(desired, desired).empty());
    EXPECT_TRUE(reconcile({}, {}).empty());
}

TEST(Reconcile, SecondRunIsANoOp) {
    std::vector desired{make_peer(1, {"10.0.0.2/32"}), make_peer(2, {"10.0.0.3/32"})};
    desired[0].preshared_key = SecretKey::generate_preshared();
    desired[1].endpoint = "192.0.2.1:51820";
    desired[1].persistent_keepalive = 25;
    const std::vector actual{make_peer(3, {"10.0.0.4/32"})};
    const auto changes = reconcile(desired, actual);
    EXPECT_EQ(changes.size(), 3u);
    EXPECT_TRUE(reconcile(desired, applied(actual, changes)).empty());
}

TEST(Reconcile, RemovalsComeFirst) {
    const std::vector desired{make_peer(1, {"10.0.0.2/32"})};
    const std::vector actual{make_peer(2, {"10.0.0.3/32"}), make_peer(3, {"10.0.0.4/32"})};
    const auto changes = reconcile(desired, actual);
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].kind, PeerUpdate::Kind::remove);
    EXPECT_EQ(changes[0].peer.public_key, actual[0].public_key);
    EXPECT_EQ(changes[1].kind, PeerUpdate::Kind::remove);
    EXPECT_EQ(changes[1].peer.public_key, actual[1].public_key);
    EXPECT_EQ(changes[2].kind, PeerUpdate::Kind::upsert);
    EXPECT_EQ(changes[2].peer.public_key, desired[0].public_key);
}

TEST(Reconcile, ChangedAllowedIpsUpsertTheWholePeer) {
    const std::vector desired{make_peer(1, {"10.0.0.2/32", "fd00::2/128"}),
                              make_peer(2, {"10.0.0.3/32"})};
    const std::vector actual{make_peer(1, {"10.0.0.2/32"}), make_peer(2, {"10.0.0.3/32"})};
    const auto changes = reconcile(desired, actual);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].kind, PeerUpdate::Kind::upsert);
    EXPECT_EQ(changes[0].peer.allowed_ips, desired[0].allowed_ips);
}

TEST(Reconcile, AllowedIpsCompareAsSetsOfNetworks) {
    const std::vector desired{make_peer(1, {"fd00::2/128", "10.0.0.5/24", "10.0.0.0/24"})};
    const std::vector actual{make_peer(1, {"10.0.0.0/24", "fd00::2/128"})};
    EXPECT_TRUE(reconcile(desired, actual).empty());
}

TEST(Reconcile, NewPeerIsUpserted) {
    const std::vector desired{make_peer(1, {"10.0.0.2/32"}), make_peer(2, {"10.0.0.3/32"})};
    const std::vector actual{make_peer(1, {"10.0.0.2/32"})};
    const auto changes = reconcile(desired, actual);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].kind, PeerUpdate::Kind::upsert);
    EXPECT_EQ(changes[0].peer.public_key, desired[1].public_key);
}

TEST(Reconcile, PresharedKeyAndKeepaliveDifferences) {
    auto want = make_peer(1, {"10.0.0.2/32"});
    auto have = want;
    want.preshared_key = SecretKey::generate_preshared();
    EXPECT_EQ(reconcile({want}, {have}).size(), 1u);  // added
    EXPECT_EQ(reconcile({have}, {want}).size(), 1u);  // dropped
    have.preshared_key = SecretKey::generate_preshared();
    EXPECT_EQ(reconcile({want}, {have}).size(), 1u);  // changed
    have.preshared_key = want.preshared_key;
    EXPECT_TRUE(reconcile({want}, {have}).empty());
    have.persistent_keepalive = 10;
    EXPECT_EQ(reconcile({want}, {have}).size(), 1u);
}

TEST(Reconcile, EndpointOnlyEnforcedWhenDesiredHasOne) {
    auto want = make_peer(1, {"10.0.0.2/32"});
    auto have = want;
    have.endpoint = "198.51.100.9:40000";  // roamed
    EXPECT_TRUE(reconcile({want}, {have}).empty());
    want.endpoint = "192.0.2.1:51820";
    EXPECT_EQ(reconcile({want}, {have}).size(), 1u);
    have.endpoint = "192.0.2.1:51820";
    EXPECT_TRUE(reconcile({want}, {have}).empty());
    want.endpoint = "[2001:db8:0::1]:1";
    have.endpoint = "[2001:db8::1]:1";
    EXPECT_TRUE(reconcile({want}, {have}).empty());
}

TEST(Reconcile, CountersAreIgnored) {
    auto want = make_peer(1, {"10.0.0.2/32"});
    auto have = want;
    have.rx_bytes = 5;
    have.tx_bytes = 6;
    have.last_handshake = std::chrono::system_clock::now();
    EXPECT_TRUE(reconcile({want}, {have}).empty());
}

}  // namespace
}  // namespace wmsgate::netcfg

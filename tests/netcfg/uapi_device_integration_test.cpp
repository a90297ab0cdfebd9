#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "integration_fixture.hpp"
#include "netcfg/reconcile.hpp"
#include "netcfg/uapi_device.hpp"

namespace wmsgate::netcfg::testing {
namespace {

// Peer n gets 10.99.x.y/32 and fd99::n/128; every other one a preshared key,
// every third an endpoint, and some others a keepalive (not together with an
// endpoint, which would make wireguard-go try to reach it).
WgPeer numbered_peer(int n) {
    WgPeer p;
    p.public_key = SecretKey::generate_private().public_key();
    p.allowed_ips = {*IpPrefix::parse("10.99." + std::to_string(n / 200) + "." +
                                      std::to_string(n % 200 + 2) + "/32"),
                     *IpPrefix::parse("fd99::" + std::to_string(n + 2) + "/128")};
    if (n % 2 == 0) p.preshared_key = SecretKey::generate_preshared();
    if (n % 3 == 0)
        p.endpoint = "192.0.2." + std::to_string(n % 250 + 1) + ":" + std::to_string(40000 + n);
    if (n % 3 == 1) p.persistent_keepalive = static_cast<std::uint16_t>(n);
    return p;
}

std::set<std::string> prefix_texts(const std::vector<IpPrefix>& prefixes) {
    std::set<std::string> out;
    for (const auto& p : prefixes) out.insert(p.to_string());
    return out;
}

std::vector<PeerUpdate> upserts(const std::vector<WgPeer>& peers) {
    std::vector<PeerUpdate> out;
    for (const auto& p : peers) out.push_back({PeerUpdate::Kind::upsert, p});
    return out;
}

// Checks one read-back peer field by field against what was set.
void expect_same_peer(const WgPeer& want, const WgPeer& got) {
    SCOPED_TRACE(want.public_key.base64());
    EXPECT_EQ(want.preshared_key.has_value(), got.preshared_key.has_value());
    if (want.preshared_key && got.preshared_key) {
        EXPECT_TRUE(*want.preshared_key == *got.preshared_key);
    }
    EXPECT_EQ(want.endpoint, got.endpoint);
    EXPECT_EQ(want.persistent_keepalive, got.persistent_keepalive);
    EXPECT_EQ(prefix_texts(want.allowed_ips), prefix_texts(got.allowed_ips));
}

void expect_device_holds(const WgDeviceState& state, const std::vector<WgPeer>& want) {
    ASSERT_EQ(state.peers.size(), want.size());
    std::map<PublicKey, const WgPeer*> by_key;
    for (const auto& p : state.peers) by_key[p.public_key] = &p;
    for (const auto& p : want) {
        const auto it = by_key.find(p.public_key);
        ASSERT_NE(it, by_key.end()) << p.public_key;
        expect_same_peer(p, *it->second);
    }
}

// `wg show IF dump`, as an independent reader of the device.
struct WgDump {
    std::string public_key;
    std::string listen_port;
    std::map<std::string, std::vector<std::string>> peers;  // base64 key -> fields
};

WgDump wg_dump(const std::string& ifname) {
    WgDump dump;
    std::istringstream lines(run_command("wg show " + ifname + " dump"));
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
        if (first) {
            // private-key public-key listen-port fwmark
            EXPECT_EQ(fields.size(), 4u) << line;
            if (fields.size() >= 3) {
                dump.public_key = fields[1];
                dump.listen_port = fields[2];
            }
            first = false;
            continue;
        }
        // public-key preshared-key endpoint allowed-ips handshake rx tx keepalive
        EXPECT_EQ(fields.size(), 8u) << line;
        if (!fields.empty()) dump.peers[fields[0]] = fields;
    }
    return dump;
}

void expect_wg_dump_holds(const std::string& ifname, const std::vector<WgPeer>& want) {
    const auto dump = wg_dump(ifname);
    ASSERT_EQ(dump.peers.size(), want.size());
    for (const auto& p : want) {
        const auto it = dump.peers.find(p.public_key.base64());
        ASSERT_NE(it, dump.peers.end()) << p.public_key;
        const auto& f = it->second;
        ASSERT_EQ(f.size(), 8u);
        EXPECT_EQ(f[1], p.preshared_key ? p.preshared_key->reveal_base64() : "(none)");
        EXPECT_EQ(f[2], p.endpoint.value_or("(none)"));
        std::set<std::string> allowed;
        std::istringstream list(f[3]);
        for (std::string item; std::getline(list, item, ',');) allowed.insert(item);
        EXPECT_EQ(allowed, prefix_texts(p.allowed_ips));
        EXPECT_EQ(f[7], p.persistent_keepalive ? std::to_string(p.persistent_keepalive) : "off");
    }
}

using UapiDeviceIntegration = NetnsTest;

TEST_F(UapiDeviceIntegration, AppliesKeyPortAndHundredPeersAndReadsThemBack) {
    ASSERT_NE(start_wireguard_go('a'), nullptr);
    UapiDevice device(ifname('a'));

    std::vector<WgPeer> peers;
    for (int n = 0; n < 100; ++n) peers.push_back(numbered_peer(n));
    const auto private_key = SecretKey::generate_private();
    DeviceUpdate update;
    update.private_key = private_key;
    update.listen_port = 51820;
    update.peers = upserts(peers);
    auto applied = device.apply(update);
    ASSERT_TRUE(applied) << applied.error().message();

    auto state = device.get();
    ASSERT_TRUE(state) << state.error().message();
    ASSERT_TRUE(state->public_key);
    EXPECT_EQ(*state->public_key, private_key.public_key());
    EXPECT_EQ(state->listen_port, 51820);
    expect_device_holds(*state, peers);

    const auto dump = wg_dump(ifname('a'));
    EXPECT_EQ(dump.public_key, private_key.public_key().base64());
    EXPECT_EQ(dump.listen_port, "51820");
    expect_wg_dump_holds(ifname('a'), peers);
}

TEST_F(UapiDeviceIntegration, RemovesOnePeerAndReplacesAnothersAllowedIps) {
    ASSERT_NE(start_wireguard_go('b'), nullptr);
    UapiDevice device(ifname('b'));
    std::vector<WgPeer> peers{numbered_peer(1), numbered_peer(2), numbered_peer(3)};
    DeviceUpdate initial;
    initial.peers = upserts(peers);
    ASSERT_TRUE(device.apply(initial));

    DeviceUpdate change;
    change.peers.push_back({PeerUpdate::Kind::remove, peers[0]});
    peers[1].allowed_ips = {*IpPrefix::parse("10.99.7.7/32")};  // drops both old ones
    change.peers.push_back({PeerUpdate::Kind::upsert, peers[1]});
    auto applied = device.apply(change);
    ASSERT_TRUE(applied) << applied.error().message();

    peers.erase(peers.begin());
    auto state = device.get();
    ASSERT_TRUE(state);
    expect_device_holds(*state, peers);
    expect_wg_dump_holds(ifname('b'), peers);
}

TEST_F(UapiDeviceIntegration, ReconcileConvergesAndThenSendsNothing) {
    ASSERT_NE(start_wireguard_go('c'), nullptr);
    UapiDevice device(ifname('c'));
    // Something the desired state does not know about is already there.
    const auto stray = numbered_peer(50);
    DeviceUpdate initial;
    initial.peers = upserts({stray, numbered_peer(51)});
    ASSERT_TRUE(device.apply(initial));

    std::vector<WgPeer> desired;
    for (int n = 0; n < 20; ++n) desired.push_back(numbered_peer(n));
    // Host bits set: the device stores 10.98.0.0/24 and the diff must still converge.
    desired[0].allowed_ips.push_back(*IpPrefix::parse("10.98.0.5/24"));

    auto before = device.get();
    ASSERT_TRUE(before);
    const auto changes = reconcile(desired, before->peers);
    ASSERT_EQ(changes.size(), 22u);  // 2 removals, 20 new
    DeviceUpdate update;
    update.peers = changes;
    ASSERT_TRUE(device.apply(update));

    auto after = device.get();
    ASSERT_TRUE(after);
    EXPECT_TRUE(reconcile(desired, after->peers).empty());
    EXPECT_EQ(after->peers.size(), desired.size());
    EXPECT_FALSE(std::any_of(after->peers.begin(), after->peers.end(),
                             [&](const WgPeer& p) { return p.public_key == stray.public_key; }));
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

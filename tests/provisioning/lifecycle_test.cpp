// The registry's v2 surface: IPv6, grants, expiry, disable, revoke, rotate,
// address reuse, audit, and the v1 -> v2 migration.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "provisioning/address_pool.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/registry.hpp"
#include "provisioning/schema.hpp"
#include "tests/provisioning/raw_sql.hpp"
#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {
namespace fs = std::filesystem;
namespace ip = boost::asio::ip;

using test::raw_exec;

Seconds now_s() {
    return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
}

NewPeer carol(std::string name = "carol", std::string_view key = test::client_public_b64,
              const char* v4 = "10.77.0.2", const char* v6 = "fd77::2") {
    NewPeer peer;
    peer.name = std::move(name);
    peer.public_key = test::public_key(key);
    peer.preshared_key = test::secret_key(test::psk_b64);
    peer.key_origin = KeyOrigin::appliance;
    peer.ipv4 = ip::make_address_v4(v4);
    peer.ipv6 = ip::make_address_v6(v6);
    peer.groups = {"survey"};
    peer.layers = {"ortho", "dem", "ortho"};
    return peer;
}

class LifecycleTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "wmsgate-lifecycle-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        file_ = dir_ / "registry.sqlite";
    }
    void TearDown() override { fs::remove_all(dir_); }
    Registry open() { return Registry::open(file_).value(); }

    fs::path dir_;
    fs::path file_;
    const Actor admin{1000, "test"};
};

TEST_F(LifecycleTest, V2FieldsRoundTrip) {
    auto registry = open();
    NewPeer peer = carol();
    peer.expires = now_s() + std::chrono::hours(1);
    const auto added = registry.add(peer, admin).value();
    const auto found = registry.find("carol").value().value();
    EXPECT_EQ(found.ipv6, ip::make_address_v6("fd77::2"));
    EXPECT_EQ(found.layers, (std::vector<std::string>{"dem", "ortho"}));
    EXPECT_EQ(found.layers, added.layers);
    EXPECT_EQ(found.expires, peer.expires);
    EXPECT_EQ(found.key_origin, KeyOrigin::appliance);
    EXPECT_FALSE(found.disabled);
    EXPECT_FALSE(found.revoked);
    EXPECT_EQ(found.state(Clock::now()), PeerState::active);
    EXPECT_EQ(found.state(*peer.expires), PeerState::expired);
}

TEST_F(LifecycleTest, ChangeDisableRevokeAreAuditedAndRevocationIsFinal) {
    auto registry = open();
    ASSERT_TRUE(registry.add(carol(), admin));
    const auto changed = registry.change(
        "carol", {std::vector<std::string>{"night"}, std::nullopt, std::nullopt}, admin);
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->groups, (std::vector<std::string>{"night"}));
    EXPECT_EQ(changed->layers, (std::vector<std::string>{"dem", "ortho"}));

    EXPECT_EQ(registry.set_disabled("carol", true, admin)->state(Clock::now()),
              PeerState::disabled);
    EXPECT_EQ(registry.set_disabled("carol", false, admin)->state(Clock::now()), PeerState::active);
    EXPECT_EQ(registry.revoke("carol", now_s(), admin)->state(Clock::now()), PeerState::revoked);
    EXPECT_EQ(registry.set_disabled("carol", false, admin).error(), Errc::revoked);
    EXPECT_EQ(registry.revoke("nobody", now_s(), admin).error(), Errc::not_found);

    const auto trail = registry.audit_since(Seconds{}).value();
    ASSERT_EQ(trail.size(), 5u);  // refused changes leave no line
    EXPECT_EQ(trail[0].action, "peer.add");
    EXPECT_EQ(trail[1].action, "peer.set");
    EXPECT_EQ(trail[4].action, "peer.revoke");
    EXPECT_EQ(trail[4].peer, "carol");
    EXPECT_EQ(trail[4].caller_uid, 1000);
}

TEST_F(LifecycleTest, RevokedPeersKeepTheirAddressesNameAndKey) {
    auto registry = open();
    ASSERT_TRUE(registry.add(carol(), admin));
    ASSERT_TRUE(registry.revoke("carol", now_s(), admin));
    const auto taken = registry.taken_addresses().value();
    const auto prefixes =
        std::vector<netcfg::IpPrefix>{netcfg::IpPrefix::parse("10.77.0.1/24").value(),
                                      netcfg::IpPrefix::parse("fd77::1/64").value()};
    const auto next = allocate_addresses(prefixes, taken).value();
    EXPECT_EQ(next.ipv4, ip::make_address_v4("10.77.0.3"));
    EXPECT_EQ(next.ipv6, ip::make_address_v6("fd77::3"));
    EXPECT_EQ(registry.add(carol(), admin).error(), Errc::name_taken);
    EXPECT_EQ(registry.add(carol("dave"), admin).error(), Errc::public_key_taken);
    EXPECT_EQ(
        registry.add(carol("dave", test::other_public_b64, "10.77.0.9", "fd77::2"), admin).error(),
        Errc::address_taken);
}

TEST_F(LifecycleTest, RotateReplacesTheKeyAtOnce) {
    auto registry = open();
    ASSERT_TRUE(registry.add(carol(), admin));
    const auto rotated = registry.rotate_key("carol", test::public_key(test::other_public_b64),
                                             std::nullopt, KeyOrigin::appliance, admin);
    ASSERT_TRUE(rotated);
    EXPECT_EQ(rotated->public_key, test::public_key(test::other_public_b64));
    EXPECT_FALSE(rotated->preshared_key);
    // The old key is free; the new one is taken.
    EXPECT_TRUE(
        registry.add(carol("dave", test::client_public_b64, "10.77.0.5", "fd77::5"), admin));
    EXPECT_EQ(registry
                  .rotate_key("dave", test::public_key(test::other_public_b64), std::nullopt,
                              KeyOrigin::client, admin)
                  .error(),
              Errc::public_key_taken);
}

TEST_F(LifecycleTest, ExpiryQueriesSkipRevokedAndDisabled) {
    auto registry = open();
    const auto t = now_s() + std::chrono::hours(1);
    NewPeer a = carol("a", test::client_public_b64, "10.77.0.2", "fd77::2");
    a.expires = t;
    NewPeer b = carol("b", test::other_public_b64, "10.77.0.3", "fd77::3");
    b.expires = t + std::chrono::seconds(10);
    NewPeer c = carol("c", test::appliance_public_b64, "10.77.0.4", "fd77::4");
    c.expires = t - std::chrono::seconds(10);
    ASSERT_TRUE(registry.add(a, admin));
    ASSERT_TRUE(registry.add(b, admin));
    ASSERT_TRUE(registry.add(c, admin));
    ASSERT_TRUE(registry.set_disabled("c", true, admin));

    EXPECT_EQ(registry.next_expiry(now_s()).value(), t);
    EXPECT_EQ(registry.next_expiry(t).value(), t + std::chrono::seconds(10));
    EXPECT_FALSE(registry.next_expiry(t + std::chrono::seconds(10)).value());
    EXPECT_EQ(registry.expiring(now_s(), t + std::chrono::seconds(10)).value(),
              (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(registry.expiring(t, t + std::chrono::seconds(9)).value(),
              std::vector<std::string>{});
}

TEST_F(LifecycleTest, MigratesAVersion1DatabaseKeepingItsPeers) {
    raw_exec(file_,
             "CREATE TABLE peers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, public_key "
             "TEXT NOT NULL UNIQUE, preshared_key TEXT NULL, ipv4 TEXT NOT NULL UNIQUE, created "
             "INTEGER NOT NULL) STRICT;"
             "CREATE TABLE peer_groups (peer_id INTEGER NOT NULL REFERENCES peers (id) ON DELETE "
             "CASCADE, group_name TEXT NOT NULL, PRIMARY KEY (peer_id, group_name)) STRICT, "
             "WITHOUT ROWID;"
             "INSERT INTO peers VALUES (1, 'Old.Peer', "
             "'46vxOipAF3+0R+4L5DvydprP8riuMDj24oPueHNrRBw=', NULL, '10.77.0.2', 1700000000);"
             "INSERT INTO peer_groups VALUES (1, 'survey');"
             "PRAGMA user_version = 1;");
    auto registry = open();
    const auto peers = registry.list().value();
    ASSERT_EQ(peers.size(), 1u);
    EXPECT_EQ(peers[0].name, "Old.Peer");  // an older, looser name survives
    EXPECT_EQ(peers[0].groups, std::vector<std::string>{"survey"});
    EXPECT_TRUE(peers[0].layers.empty());
    EXPECT_FALSE(peers[0].ipv6);
    EXPECT_FALSE(peers[0].expires);
    EXPECT_EQ(peers[0].key_origin, KeyOrigin::unknown);
    EXPECT_EQ(peers[0].state(Clock::now()), PeerState::active);
    // ...and can be changed like any other.
    EXPECT_TRUE(registry.set_disabled("Old.Peer", true, admin));
    EXPECT_EQ(latest_schema_version(), 2);
}

}  // namespace
}  // namespace wmsgate::provisioning

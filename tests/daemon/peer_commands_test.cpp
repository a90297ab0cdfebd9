// PeerCommands against a real registry (in a temporary file), a fake device
// and recording effects: what one command sends to the device and the policy.

#include "daemon/peer_commands.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "daemon/live_policy.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/peer_service.hpp"
#include "support/fake_wg_device.hpp"
#include "support/temp_dir.hpp"

namespace wmsgate::daemon {
namespace {
namespace ip = boost::asio::ip;

wms::LayerConfig layer(std::string name, std::string title = {}) {
    wms::LayerConfig out;
    out.name = std::move(name);
    out.title = std::move(title);
    return out;
}

class PeerCommandsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        config_.interface.addresses = {netcfg::IpPrefix::parse("10.77.0.1/24").value(),
                                       netcfg::IpPrefix::parse("fd77::1/64").value()};
        config_.interface.endpoint = "192.0.2.1:51820";
        config_.groups = {{"survey", {"ortho"}}};
        registry_.emplace(provisioning::Registry::open(dir_ / "registry.sqlite3").value());
        peers_.emplace(*registry_, device_, config_.interface.addresses);
    }
    void TearDown() override {
        commands_.reset();
        peers_.reset();
        registry_.reset();
    }

    PeerCommands& commands() {
        if (!commands_) {
            PeerEffects effects;
            effects.update_policy = [this](const std::vector<provisioning::Peer>& changed) {
                policy_updates_.push_back(changed.size());
                policy_.update(changed, config_.groups);
            };
            effects.disconnect = [this](const std::vector<ip::address>& addresses,
                                        std::function<void()> closed) {
                disconnected_.push_back(addresses);
                // The WMS closes connections on its own threads: the
                // callback comes later, as the io_context gets to it.
                if (defer_disconnect_) {
                    pending_closes_.push_back(std::move(closed));
                } else {
                    closed();
                }
            };
            effects.rearm_expiry = [this] { ++rearms_; };
            effects.requests_served = [](const std::string& peer) {
                return std::uint64_t{peer == "alice" ? 7u : 0u};
            };
            commands_.emplace(config_, *registry_, device_, *peers_,
                              netcfg::SecretKey::generate_private().public_key(),
                              std::move(effects));
        }
        return *commands_;
    }

    ControlReply call(const std::string& command, nlohmann::json args) {
        ControlReply out = ControlReply::failure(ControlStatus::failed, "no reply");
        commands().handle({command, std::move(args)}, Caller{1, 0, 0, {}},
                          [&](ControlReply reply) { out = std::move(reply); });
        return out;
    }

    // Starts a command; the reply, once it comes, lands in the result.
    std::shared_ptr<std::optional<ControlReply>> start(const std::string& command,
                                                       nlohmann::json args) {
        auto out = std::make_shared<std::optional<ControlReply>>();
        commands().handle({command, std::move(args)}, Caller{1, 0, 0, {}},
                          [out](ControlReply reply) { *out = std::move(reply); });
        return out;
    }
    // Runs the oldest pending disconnect's completion.
    void close_oldest() {
        ASSERT_FALSE(pending_closes_.empty());
        auto closed = std::move(pending_closes_.front());
        pending_closes_.erase(pending_closes_.begin());
        closed();
    }
    bool on_device(const std::string& public_key) const {
        return device_.peers.contains(public_key);
    }
    std::string key_of(const std::string& name) {
        return registry_->find(name).value()->public_key.base64();
    }

    ControlReply add(const std::string& name) {
        return call("peer.add", {{"name", name}, {"groups", {"survey"}}});
    }

    // A peer stored directly, as if added before the daemon started.
    void store(const std::string& name, const char* ipv4,
               std::optional<provisioning::Seconds> expires = std::nullopt) {
        provisioning::NewPeer peer;
        peer.name = name;
        peer.public_key = netcfg::SecretKey::generate_private().public_key();
        peer.ipv4 = ip::make_address_v4(ipv4);
        peer.groups = {"survey"};
        peer.expires = expires;
        ASSERT_TRUE(registry_->add(peer));
    }

    wmsgate::testing::TempDir dir_{"wmsgate-peers"};
    Config config_;
    std::optional<provisioning::Registry> registry_;
    netcfg::testing::FakeWgDevice device_{"wgtest0"};
    std::optional<provisioning::PeerService> peers_;
    LivePolicy policy_;
    std::vector<std::size_t> policy_updates_;
    std::vector<std::vector<ip::address>> disconnected_;
    bool defer_disconnect_ = false;
    std::vector<std::function<void()>> pending_closes_;
    int rearms_ = 0;
    std::optional<PeerCommands> commands_;
};

TEST_F(PeerCommandsTest, AddsGetConsecutiveAddressesAndReachDeviceAndPolicy) {
    for (int i = 0; i < 3; ++i) {
        const auto reply = add("p" + std::to_string(i));
        ASSERT_EQ(reply.status, ControlStatus::ok) << reply.error;
        EXPECT_EQ(reply.result["address"], "10.77.0." + std::to_string(2 + i));
        EXPECT_EQ(reply.result["ipv6"], "fd77::" + std::to_string(2 + i));
    }
    EXPECT_EQ(device_.peers.size(), 3u);
    // One policy update per add, with just the new peer in it.
    EXPECT_EQ(policy_updates_, (std::vector<std::size_t>{1, 1, 1}));
    const auto view = policy_.view_for(ip::make_address("fd77::4"));
    ASSERT_TRUE(view);
    EXPECT_EQ(view->client, "p2");
    EXPECT_EQ(view->layers, (std::set<std::string>{"ortho"}));
}

TEST_F(PeerCommandsTest, AddSkipsAddressesTheRegistryHeldAtStartUp) {
    store("old-a", "10.77.0.2");
    store("old-b", "10.77.0.4");
    EXPECT_EQ(add("new-a").result["address"], "10.77.0.3");
    EXPECT_EQ(add("new-b").result["address"], "10.77.0.5");
}

TEST_F(PeerCommandsTest, APoolOfOtherPrefixesThanTheConfigsIsNeverUsed) {
    ASSERT_EQ(add("alice").result["address"], "10.77.0.2");
    config_.interface.addresses = {netcfg::IpPrefix::parse("10.77.0.1/16").value()};
    const auto reply = add("bob");
    EXPECT_EQ(reply.result["address"], "10.77.0.3");
    EXPECT_TRUE(reply.result["ipv6"].is_null());
}

TEST_F(PeerCommandsTest, ADuplicateNameChangesNothingAndUsesUpNoAddress) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    EXPECT_EQ(add("alice").status, ControlStatus::conflict);
    EXPECT_EQ(device_.updates.size(), 1u);
    EXPECT_EQ(add("bob").result["address"], "10.77.0.3");
}

TEST_F(PeerCommandsTest, AnAddTheDeviceRefusedIsUndoneAndItsAddressGivenOut) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    device_.refuse_next = true;
    EXPECT_EQ(add("bob").status, ControlStatus::failed);
    EXPECT_FALSE(registry_->find("bob").value());
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.3")));
    EXPECT_EQ(add("carol").result["address"], "10.77.0.3");
}

TEST_F(PeerCommandsTest, RevokeTakesThePeerOutOfDeviceAndPolicyAndClosesItsConnections) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    ASSERT_EQ(add("bob").status, ControlStatus::ok);
    ASSERT_EQ(call("peer.revoke", {{"name", "alice"}}).status, ControlStatus::ok);
    EXPECT_EQ(device_.peers.size(), 1u);
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.2")));
    EXPECT_FALSE(policy_.view_for(ip::make_address("fd77::2")));
    EXPECT_TRUE(policy_.view_for(ip::make_address("10.77.0.3")));
    ASSERT_EQ(disconnected_.size(), 1u);
    EXPECT_EQ(disconnected_[0], (std::vector<ip::address>{ip::make_address("10.77.0.2"),
                                                          ip::make_address("fd77::2")}));
}

TEST_F(PeerCommandsTest, MassExpiryIsOneDeviceUpdateOnePolicyUpdateOneDisconnect) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(provisioning::Clock::now());
    for (int i = 0; i < 20; ++i)
        store("exp-" + std::to_string(i), ("10.77.0." + std::to_string(10 + i)).c_str(),
              now - std::chrono::seconds(5));
    store("later", "10.77.0.50", now + std::chrono::hours(1));
    store("never", "10.77.0.51");

    commands().expire(now - std::chrono::seconds(60), now);

    ASSERT_EQ(device_.updates.size(), 1u);
    EXPECT_EQ(device_.updates[0].peers.size(), 20u);
    for (const auto& change : device_.updates[0].peers)
        EXPECT_EQ(change.kind, netcfg::PeerUpdate::Kind::remove);
    EXPECT_EQ(policy_updates_, (std::vector<std::size_t>{20}));
    ASSERT_EQ(disconnected_.size(), 1u);
    EXPECT_EQ(disconnected_[0].size(), 20u);

    const auto audit = registry_->audit_since(now - std::chrono::hours(1)).value();
    const auto expired = std::count_if(audit.begin(), audit.end(),
                                       [](const auto& entry) { return entry.action == "expire"; });
    EXPECT_EQ(expired, 20);
}

TEST_F(PeerCommandsTest, ExpireTakesTheSpanOpenBeforeAndClosedAfter) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(provisioning::Clock::now());
    store("edge", "10.77.0.10", now - std::chrono::seconds(5));
    // (now-5, now]: the expiry at now-5 belongs to the span before.
    commands().expire(now - std::chrono::seconds(5), now);
    EXPECT_TRUE(device_.updates.empty());
    EXPECT_TRUE(disconnected_.empty());
    // (now-6, now-5]: it is this span's.
    commands().expire(now - std::chrono::seconds(6), now - std::chrono::seconds(5));
    ASSERT_EQ(device_.updates.size(), 1u);
    EXPECT_EQ(disconnected_.size(), 1u);
}

TEST_F(PeerCommandsTest, ExpireSkipsRevokedAndDisabledPeers) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(provisioning::Clock::now());
    store("gone", "10.77.0.10", now - std::chrono::seconds(5));
    store("off", "10.77.0.11", now - std::chrono::seconds(5));
    ASSERT_TRUE(registry_->revoke("gone", now - std::chrono::seconds(30), {}));
    ASSERT_TRUE(registry_->set_disabled("off", true, {}));
    commands().expire(now - std::chrono::seconds(60), now);
    EXPECT_TRUE(device_.updates.empty());
}

TEST_F(PeerCommandsTest, RevokeRepliesOnlyOnceItsConnectionsAreClosed) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    const auto key = key_of("alice");
    defer_disconnect_ = true;
    const auto revoked = start("peer.revoke", {{"name", "alice"}});
    // Off the device and out of the policy at once; the reply waits.
    EXPECT_FALSE(on_device(key));
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.2")));
    EXPECT_FALSE(revoked->has_value());
    close_oldest();
    ASSERT_TRUE(revoked->has_value());
    EXPECT_EQ((*revoked)->status, ControlStatus::ok);
    EXPECT_EQ((*revoked)->result["state"], "revoked");
}

TEST_F(PeerCommandsTest, CommandsRacingARevokeThatWaitsForItsDisconnectSeeItRevoked) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    ASSERT_EQ(add("bob").status, ControlStatus::ok);
    defer_disconnect_ = true;
    const auto revoked = start("peer.revoke", {{"name", "alice"}});
    ASSERT_FALSE(revoked->has_value());

    // While alice's connections are being closed, other commands are served.
    EXPECT_EQ(call("peer.show", {{"name", "alice"}}).result["state"], "revoked");
    EXPECT_EQ(call("peer.enable", {{"name", "alice"}}).status, ControlStatus::conflict);
    EXPECT_EQ(call("peer.rotate", {{"name", "alice"}}).status, ControlStatus::conflict);
    EXPECT_EQ(call("peer.set", {{"name", "alice"}, {"expires", "1h"}}).status,
              ControlStatus::conflict);
    const auto again = start("peer.revoke", {{"name", "alice"}});
    ASSERT_TRUE(again->has_value());
    EXPECT_EQ((*again)->status, ControlStatus::conflict);
    const auto carol = add("carol");
    ASSERT_EQ(carol.status, ControlStatus::ok);
    EXPECT_EQ(carol.result["address"], "10.77.0.4") << "a revoked peer's address is not reused";
    // bob is disabled meanwhile; his reply waits for his own disconnect.
    const auto disabled = start("peer.disable", {{"name", "bob"}});
    EXPECT_FALSE(disabled->has_value());

    close_oldest();
    ASSERT_TRUE(revoked->has_value());
    EXPECT_EQ((*revoked)->status, ControlStatus::ok);
    EXPECT_FALSE(disabled->has_value());
    close_oldest();
    ASSERT_TRUE(disabled->has_value());
    EXPECT_EQ((*disabled)->result["state"], "disabled");

    EXPECT_EQ(device_.peers.size(), 1u);
    EXPECT_TRUE(on_device(key_of("carol")));
    EXPECT_TRUE(policy_.view_for(ip::make_address("10.77.0.4")));
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.2")));
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.3")));
}

TEST_F(PeerCommandsTest, AnEnableWhileTheDisableWaitsLeavesThePeerOnTheDevice) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    defer_disconnect_ = true;
    const auto disabled = start("peer.disable", {{"name", "alice"}});
    const auto enabled = start("peer.enable", {{"name", "alice"}});
    ASSERT_TRUE(enabled->has_value()) << "an enable closes nothing: it answers at once";
    EXPECT_EQ((*enabled)->result["state"], "active");
    close_oldest();
    ASSERT_TRUE(disabled->has_value());
    EXPECT_EQ((*disabled)->result["state"], "disabled");
    // The device and the policy follow the registry's last word.
    EXPECT_TRUE(on_device(key_of("alice")));
    EXPECT_TRUE(policy_.view_for(ip::make_address("10.77.0.2")));
}

TEST_F(PeerCommandsTest, DisableAndEnableTakeThePeerOffAndPutItBackWithItsAddresses) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    const auto key = key_of("alice");
    const auto before = device_.peers.at(key);
    ASSERT_EQ(call("peer.disable", {{"name", "alice"}}).status, ControlStatus::ok);
    EXPECT_FALSE(on_device(key));
    EXPECT_FALSE(policy_.view_for(ip::make_address("fd77::2")));
    EXPECT_EQ(disconnected_.size(), 1u);
    ASSERT_EQ(call("peer.enable", {{"name", "alice"}}).status, ControlStatus::ok);
    ASSERT_TRUE(on_device(key));
    const auto& after = device_.peers.at(key);
    EXPECT_EQ(after.allowed_ips, before.allowed_ips);
    ASSERT_TRUE(after.preshared_key && before.preshared_key);
    EXPECT_EQ(after.preshared_key->reveal_base64(), before.preshared_key->reveal_base64());
    EXPECT_TRUE(policy_.view_for(ip::make_address("fd77::2")));
    EXPECT_EQ(disconnected_.size(), 1u) << "an enable closes nothing";
}

TEST_F(PeerCommandsTest, RotateSwapsTheKeyOnTheDeviceAndClosesTheOldConnections) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    const auto old_key = key_of("alice");
    const auto rotated = call("peer.rotate", {{"name", "alice"}});
    ASSERT_EQ(rotated.status, ControlStatus::ok) << rotated.error;
    const auto new_key = key_of("alice");
    EXPECT_NE(new_key, old_key);
    EXPECT_FALSE(on_device(old_key));
    ASSERT_TRUE(on_device(new_key));
    EXPECT_EQ(device_.peers.at(new_key).allowed_ips.size(), 2u);
    // One update: the old key out, the new one in.
    ASSERT_EQ(device_.updates.back().peers.size(), 2u);
    EXPECT_EQ(device_.updates.back().peers[0].kind, netcfg::PeerUpdate::Kind::remove);
    // The config carries the private key of the new public key.
    const std::string config = rotated.result["config"];
    const auto at = config.find("PrivateKey = ");
    ASSERT_NE(at, std::string::npos);
    const auto secret = netcfg::SecretKey::from_base64(config.substr(at + 13, 44));
    ASSERT_TRUE(secret);
    EXPECT_EQ(secret->public_key().base64(), new_key);
    EXPECT_EQ(disconnected_.size(), 1u);
    EXPECT_EQ(call("peer.rotate", {{"name", "nobody"}}).status, ControlStatus::not_found);
}

TEST_F(PeerCommandsTest, ADeviceThatRefusesAChangeIsReportedAndThePolicyFollowsTheRegistry) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    device_.refuse_next = true;
    const auto reply = call("peer.disable", {{"name", "alice"}});
    EXPECT_EQ(reply.status, ControlStatus::failed);
    EXPECT_NE(reply.error.find("restarting wmsgated reconciles"), std::string::npos) << reply.error;
    EXPECT_FALSE(policy_.view_for(ip::make_address("10.77.0.2")));
}

TEST_F(PeerCommandsTest, SetChangesGroupsLayersAndExpiryAndRefusesNothingToDo) {
    config_.layers = {layer("ortho"), layer("parcels")};
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    const auto rearms = rearms_;
    const auto reply = call("peer.set", {{"name", "alice"},
                                         {"layers", {"parcels"}},
                                         {"expires", "2h"},
                                         {"groups", nlohmann::json::array()}});
    ASSERT_EQ(reply.status, ControlStatus::ok) << reply.error;
    EXPECT_EQ(reply.result["layers"], nlohmann::json({"parcels"}));
    EXPECT_FALSE(reply.result["expires"].is_null());
    EXPECT_GT(rearms_, rearms) << "a new expiry re-arms the timer";
    EXPECT_EQ(policy_.view_for(ip::make_address("10.77.0.2"))->layers,
              (std::set<std::string>{"parcels"}));
    EXPECT_TRUE(
        call("peer.set", {{"name", "alice"}, {"expires", "never"}}).result["expires"].is_null());
    EXPECT_EQ(call("peer.set", {{"name", "alice"}}).status, ControlStatus::invalid);
    EXPECT_EQ(call("peer.set", {{"name", "alice"}, {"groups", {"nope"}}}).status,
              ControlStatus::invalid);
    EXPECT_EQ(call("peer.set", {{"name", "alice"}, {"layers", {"nope"}}}).status,
              ControlStatus::invalid);
    EXPECT_EQ(call("peer.set", {{"name", "alice"}, {"expires", "yesterday"}}).status,
              ControlStatus::invalid);
    EXPECT_EQ(call("peer.set", {{"name", "nobody"}, {"expires", "1h"}}).status,
              ControlStatus::not_found);
}

TEST_F(PeerCommandsTest, AddWithAClientKeyPrintsAPlaceholderAndConfigAgain) {
    const auto key = netcfg::SecretKey::generate_private().public_key().base64();
    const auto reply = call("peer.add", {{"name", "alice"}, {"public_key", key}, {"no_psk", true}});
    ASSERT_EQ(reply.status, ControlStatus::ok) << reply.error;
    EXPECT_EQ(reply.result["key_origin"], "client");
    EXPECT_EQ(reply.result["preshared_key"], false);
    EXPECT_EQ(std::string(reply.result["config"]).find("PresharedKey"), std::string::npos);
    const auto again = call("peer.config", {{"name", "alice"}});
    ASSERT_EQ(again.status, ControlStatus::ok) << again.error;
    EXPECT_EQ(again.result["config"], reply.result["config"]);
    EXPECT_EQ(call("peer.add", {{"name", "bob"}, {"public_key", "abc"}}).status,
              ControlStatus::invalid);
    EXPECT_EQ(call("peer.add", {{"name", "Bad_Name"}}).status, ControlStatus::invalid);
    EXPECT_EQ(call("peer.add", {{"name", "bob"}, {"expires", "2001-01-01"}}).status,
              ControlStatus::invalid);
}

TEST_F(PeerCommandsTest, ConfigIsRefusedForAppliancePairsAndRevokedPeers) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    const auto refused = call("peer.config", {{"name", "alice"}});
    EXPECT_EQ(refused.status, ControlStatus::conflict);
    EXPECT_NE(refused.error.find("peer rotate alice"), std::string::npos) << refused.error;
    ASSERT_EQ(call("peer.revoke", {{"name", "alice"}}).status, ControlStatus::ok);
    EXPECT_EQ(call("peer.config", {{"name", "alice"}}).status, ControlStatus::conflict);
    EXPECT_EQ(call("peer.config", {{"name", "nobody"}}).status, ControlStatus::not_found);
}

TEST_F(PeerCommandsTest, ListAndShowDescribeEveryPeer) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    ASSERT_EQ(add("bob").status, ControlStatus::ok);
    ASSERT_EQ(call("peer.disable", {{"name", "bob"}}).status, ControlStatus::ok);
    const auto list = call("peer.list", nlohmann::json::object()).result;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["name"], "alice");
    EXPECT_EQ(list[0]["state"], "active");
    EXPECT_EQ(list[1]["state"], "disabled");
    const auto shown = call("peer.show", {{"name", "alice"}});
    EXPECT_EQ(shown.result["requests_served"], 7);
    EXPECT_EQ(shown.result["groups"], nlohmann::json({"survey"}));
    EXPECT_EQ(call("peer.show", {{"name", "nobody"}}).status, ControlStatus::not_found);
    EXPECT_EQ(call("peer.show", nlohmann::json::object()).status, ControlStatus::invalid);
    EXPECT_EQ(call("no.such", nlohmann::json::object()).status, ControlStatus::invalid);
}

TEST_F(PeerCommandsTest, StatusJoinsRegistryAndDevice) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    ASSERT_EQ(add("bob").status, ControlStatus::ok);
    ASSERT_EQ(call("peer.disable", {{"name", "bob"}}).status, ControlStatus::ok);
    auto& wg = device_.peers.at(key_of("alice"));
    wg.endpoint = "192.0.2.7:40000";
    wg.last_handshake = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    wg.rx_bytes = 1234;
    wg.tx_bytes = 5678;
    const auto status = call("status", nlohmann::json::object());
    ASSERT_EQ(status.status, ControlStatus::ok) << status.error;
    EXPECT_EQ(status.result["interface"], "wgtest0");
    const auto& rows = status.result["peers"];
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0]["name"], "alice");
    EXPECT_EQ(rows[0]["on_device"], true);
    EXPECT_EQ(rows[0]["endpoint"], "192.0.2.7:40000");
    EXPECT_EQ(rows[0]["last_handshake"], "2027-01-15T08:00:00Z");
    EXPECT_EQ(rows[0]["rx_bytes"], 1234);
    EXPECT_EQ(rows[0]["tx_bytes"], 5678);
    EXPECT_EQ(rows[0]["requests_served"], 7);
    EXPECT_EQ(rows[1]["name"], "bob");
    EXPECT_EQ(rows[1]["state"], "disabled");
    EXPECT_EQ(rows[1]["on_device"], false);
    EXPECT_TRUE(rows[1]["last_handshake"].is_null());
}

TEST_F(PeerCommandsTest, StatusReportsADeviceThatCannotBeRead) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    device_.refuse_reads = true;
    const auto status = call("status", nlohmann::json::object());
    EXPECT_EQ(status.status, ControlStatus::failed);
    EXPECT_NE(status.error.find("cannot read wgtest0"), std::string::npos) << status.error;
}

TEST_F(PeerCommandsTest, AuditListsChangesSinceADurationOrADate) {
    ASSERT_EQ(add("alice").status, ControlStatus::ok);
    ASSERT_EQ(call("peer.revoke", {{"name", "alice"}}).status, ControlStatus::ok);
    const auto all = call("audit", nlohmann::json::object());
    ASSERT_EQ(all.status, ControlStatus::ok) << all.error;
    ASSERT_EQ(all.result.size(), 2u);
    EXPECT_EQ(all.result[0]["action"], "peer.add");
    EXPECT_EQ(all.result[0]["peer"], "alice");
    EXPECT_EQ(all.result[0]["caller_uid"], 0);
    EXPECT_EQ(all.result[1]["action"], "peer.revoke");
    EXPECT_EQ(call("audit", {{"since", "1h"}}).result.size(), 2u);
    EXPECT_EQ(call("audit", {{"since", "2001-01-01"}}).result.size(), 2u);
    EXPECT_EQ(call("audit", {{"since", "2999-01-01"}}).result.size(), 0u);
    EXPECT_EQ(call("audit", {{"since", "soon"}}).status, ControlStatus::invalid);
}

TEST_F(PeerCommandsTest, GroupAndLayerListsFollowTheConfig) {
    config_.layers = {layer("ortho", "Orthophoto"), layer("parcels")};
    config_.groups = {{"survey", {"ortho"}}, {"all", {"ortho", "parcels"}}};
    config_.group_areas = {{"survey", {{"ortho", "/etc/wmsgate/district.gpkg"}}}};
    const auto groups = call("group.list", nlohmann::json::object()).result;
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0]["name"], "all");
    EXPECT_EQ(groups[0]["layers"], nlohmann::json({"ortho", "parcels"}));
    EXPECT_EQ(groups[0]["areas"], nlohmann::json::object());
    EXPECT_EQ(groups[1]["areas"], nlohmann::json({{"ortho", "/etc/wmsgate/district.gpkg"}}));
    const auto layers = call("layer.list", nlohmann::json::object()).result;
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0]["name"], "ortho");
    EXPECT_EQ(layers[0]["title"], "Orthophoto");
    EXPECT_EQ(layers[0]["groups"], nlohmann::json({"all", "survey"}));
    EXPECT_EQ(layers[1]["groups"], nlohmann::json({"all"}));
}

}  // namespace
}  // namespace wmsgate::daemon

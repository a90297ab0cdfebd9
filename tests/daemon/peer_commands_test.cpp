// PeerCommands against a real registry (in a temporary file), a fake device
// and recording effects: what one command sends to the device and the policy.

#include "daemon/peer_commands.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "daemon/live_policy.hpp"
#include "provisioning/errors.hpp"

namespace wmsgate::daemon {
namespace {
namespace fs = std::filesystem;
namespace ip = boost::asio::ip;

// Holds peers by public key, records every update; can be told to refuse.
class FakeDevice final : public netcfg::WgDevice {
  public:
    const std::string& interface_name() const override { return name_; }
    tl::expected<netcfg::WgDeviceState, std::error_code> get() override {
        netcfg::WgDeviceState state;
        for (const auto& [key, peer] : peers) state.peers.push_back(peer);
        return state;
    }
    tl::expected<void, std::error_code> apply(const netcfg::DeviceUpdate& update) override {
        updates.push_back(update);
        if (refuse_next) {
            refuse_next = false;
            return tl::unexpected(std::make_error_code(std::errc::io_error));
        }
        for (const auto& change : update.peers) {
            const auto key = change.peer.public_key.base64();
            if (change.kind == netcfg::PeerUpdate::Kind::remove) {
                peers.erase(key);
            } else {
                peers.insert_or_assign(key, change.peer);
            }
        }
        return {};
    }

    std::map<std::string, netcfg::WgPeer> peers;
    std::vector<netcfg::DeviceUpdate> updates;
    bool refuse_next = false;

  private:
    std::string name_ = "wgtest0";
};

class PeerCommandsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "wmsgate-peers-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        config_.interface.addresses = {netcfg::IpPrefix::parse("10.77.0.1/24").value(),
                                       netcfg::IpPrefix::parse("fd77::1/64").value()};
        config_.interface.endpoint = "192.0.2.1:51820";
        config_.groups = {{"survey", {"ortho"}}};
        registry_.emplace(provisioning::Registry::open(dir_ / "registry.sqlite3").value());
    }
    void TearDown() override {
        commands_.reset();
        registry_.reset();
        fs::remove_all(dir_);
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
                closed();
            };
            effects.rearm_expiry = [] {};
            effects.requests_served = [](const std::string&) { return std::uint64_t{0}; };
            commands_.emplace(config_, *registry_, device_,
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

    fs::path dir_;
    Config config_;
    std::optional<provisioning::Registry> registry_;
    FakeDevice device_;
    LivePolicy policy_;
    std::vector<std::size_t> policy_updates_;
    std::vector<std::vector<ip::address>> disconnected_;
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
    // Nothing left to do for the same span.
    commands().expire(now - std::chrono::seconds(60), now - std::chrono::seconds(6));
    EXPECT_EQ(device_.updates.size(), 1u);
}

}  // namespace
}  // namespace wmsgate::daemon

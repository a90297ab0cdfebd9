// converge_device against the shared fake device: whatever the device holds
// when the daemon starts (nothing, a crashed run's leftovers, hand edits), it
// ends holding exactly what is desired, and a device in step gets no update.

#include "netcfg/converge.hpp"

#include <gtest/gtest.h>

#include "support/fake_wg_device.hpp"

namespace wmsgate::netcfg {
namespace {

using testing::FakeWgDevice;

WgPeer peer_at(const char* ipv4) {
    WgPeer p;
    p.public_key = SecretKey::generate_private().public_key();
    p.allowed_ips = {*IpPrefix::parse(std::string(ipv4) + "/32")};
    return p;
}

void hold(FakeWgDevice& device, const WgPeer& peer) {
    device.peers.insert_or_assign(peer.public_key.base64(), peer);
}

// The peers the device holds, as base64 key -> allowed IPs text.
std::map<std::string, std::string> held(FakeWgDevice& device) {
    std::map<std::string, std::string> out;
    const auto state = device.get().value();
    for (const auto& p : state.peers) {
        std::string ips;
        for (const auto& ip : p.allowed_ips) ips += ip.to_string() + " ";
        out[p.public_key.base64()] = ips;
    }
    return out;
}

std::map<std::string, std::string> expected(const std::vector<WgPeer>& peers) {
    FakeWgDevice shadow;
    for (const auto& p : peers) hold(shadow, p);
    return held(shadow);
}

class Converge : public ::testing::Test {
  protected:
    void SetUp() override {
        desired_.peers = {peer_at("10.77.0.2"), peer_at("10.77.0.3")};
        desired_.peers[1].preshared_key = SecretKey::generate_preshared();
    }

    FakeWgDevice device_;
    DesiredDevice desired_{SecretKey::generate_private(), 51820, {}};
};

TEST_F(Converge, FreshDeviceGetsIdentityAndEveryPeer) {
    const auto done = converge_device(device_, desired_);
    ASSERT_TRUE(done) << done.error().message();
    EXPECT_TRUE(done->identity_changed);
    EXPECT_EQ(done->peers_written, 2u);
    EXPECT_EQ(done->peers_removed, 0u);
    EXPECT_EQ(device_.identity.public_key, desired_.private_key.public_key());
    EXPECT_EQ(device_.identity.listen_port, 51820);
    EXPECT_EQ(held(device_), expected(desired_.peers));
}

TEST_F(Converge, AdoptedDeviceLosesStrayPeersAndGetsMissingOnes) {
    // A crashed run left: one desired peer, a revoked one, and one added by hand.
    hold(device_, desired_.peers[0]);
    hold(device_, peer_at("10.77.0.9"));
    hold(device_, peer_at("10.77.0.10"));
    device_.identity.public_key = desired_.private_key.public_key();
    device_.identity.listen_port = 51820;

    const auto done = converge_device(device_, desired_);
    ASSERT_TRUE(done) << done.error().message();
    EXPECT_FALSE(done->identity_changed);
    EXPECT_EQ(done->peers_removed, 2u);
    EXPECT_EQ(done->peers_written, 1u);
    EXPECT_EQ(held(device_), expected(desired_.peers));
}

TEST_F(Converge, PeerWithWidenedAllowedIpsIsNarrowedBack) {
    auto widened = desired_.peers[0];
    widened.allowed_ips.push_back(*IpPrefix::parse("0.0.0.0/0"));
    hold(device_, widened);
    hold(device_, desired_.peers[1]);
    ASSERT_TRUE(converge_device(device_, desired_));
    EXPECT_EQ(held(device_), expected(desired_.peers));
}

TEST_F(Converge, ForeignKeyPortAndMarkAreReplaced) {
    device_.identity.public_key = SecretKey::generate_private().public_key();
    device_.identity.listen_port = 40000;
    device_.identity.fwmark = 7;
    const auto done = converge_device(device_, desired_);
    ASSERT_TRUE(done);
    EXPECT_TRUE(done->identity_changed);
    EXPECT_EQ(device_.identity.public_key, desired_.private_key.public_key());
    EXPECT_EQ(device_.identity.listen_port, 51820);
    EXPECT_EQ(device_.identity.fwmark, 0u);
}

TEST_F(Converge, DeviceInStepGetsNoUpdate) {
    ASSERT_TRUE(converge_device(device_, desired_));
    const auto sent = device_.updates.size();
    const auto again = converge_device(device_, desired_);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->identity_changed);
    EXPECT_EQ(again->peers_removed + again->peers_written, 0u);
    EXPECT_EQ(device_.updates.size(), sent);
}

TEST_F(Converge, NoDesiredPeersEmptiesTheDevice) {
    hold(device_, peer_at("10.77.0.9"));
    desired_.peers.clear();
    ASSERT_TRUE(converge_device(device_, desired_));
    EXPECT_TRUE(device_.peers.empty());
}

TEST_F(Converge, UnreadableOrRefusingDeviceIsAnError) {
    device_.refuse_reads = true;
    EXPECT_FALSE(converge_device(device_, desired_));
    EXPECT_TRUE(device_.updates.empty());

    device_.refuse_reads = false;
    device_.refuse_next = true;
    EXPECT_FALSE(converge_device(device_, desired_));
    // Calling again converges from whatever was applied.
    ASSERT_TRUE(converge_device(device_, desired_));
    EXPECT_EQ(held(device_), expected(desired_.peers));
}

}  // namespace
}  // namespace wmsgate::netcfg

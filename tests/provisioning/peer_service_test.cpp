// PeerService's shared cases against the fake device, and what only a fake
// can be made to do: refuse an update.

#include <gtest/gtest.h>

#include "peer_service_cases.hpp"
#include "provisioning/errors.hpp"
#include "support/fake_wg_device.hpp"

namespace wmsgate::provisioning::testing {
namespace {

class FakeUnderTest final : public DeviceUnderTest {
  public:
    netcfg::WgDevice& device() override { return fake; }
    netcfg::testing::FakeWgDevice fake;
};

tl::expected<std::unique_ptr<DeviceUnderTest>, DeviceUnavailable> make_fake() {
    return std::make_unique<FakeUnderTest>();
}

INSTANTIATE_TEST_SUITE_P(Fake, PeerServiceCases, ::testing::Values(DeviceCase{"fake", make_fake}),
                         device_case_name);

class PeerServiceRefusals : public PeerServiceCases {
  protected:
    void SetUp() override {
        PeerServiceCases::SetUp();
        fake_ = &static_cast<FakeUnderTest&>(*device_).fake;
    }
    netcfg::testing::FakeWgDevice* fake_ = nullptr;
};

TEST_P(PeerServiceRefusals, AnAddTheDeviceRefusedIsUndoneAndItsAddressGivenOutAgain) {
    add("alice");
    fake_->refuse_next = true;
    PeerRequest bob;
    bob.name = "bob";
    auto refused = service_->add(bob, 0);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().stage, PeerError::Stage::device);
    EXPECT_FALSE(registry_->find("bob").value());
    expect_device_is_projection();
    EXPECT_EQ(add("carol").peer.ipv4.to_string(), "10.77.0.3");
}

TEST_P(PeerServiceRefusals, AChangeTheDeviceRefusedStaysInTheRegistryAndIsReported) {
    const auto alice = add("alice");
    fake_->refuse_next = true;
    auto disabled = service_->set_in_service("alice", InService::no, 0);
    ASSERT_TRUE(disabled);
    EXPECT_TRUE(disabled->device_error);
    EXPECT_EQ(disabled->peer.state(Clock::now()), PeerState::disabled);
    EXPECT_FALSE(disabled->to_disconnect.empty()) << "the WMS must drop it all the same";
    EXPECT_TRUE(fake_->peers.contains(alice.peer.public_key.base64()));
    // The next start-up repairs the device.
    ASSERT_TRUE(service_->converge(netcfg::SecretKey::generate_private(), 51820, Clock::now()));
    expect_device_is_projection();
}

TEST_P(PeerServiceRefusals, AnExpiryTheDeviceRefusedIsReported) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
    store("soon", "10.77.0.10", now - std::chrono::seconds(5));
    fake_->refuse_next = true;
    const auto expired = service_->expire(now - std::chrono::seconds(60), now);
    EXPECT_EQ(expired.peers.size(), 1u);
    EXPECT_TRUE(expired.device_error);
}

TEST_P(PeerServiceRefusals, MassExpiryIsOneDeviceUpdate) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
    for (int i = 0; i < 20; ++i)
        store("exp-" + std::to_string(i), ("10.77.0." + std::to_string(10 + i)).c_str(),
              now - std::chrono::seconds(5));
    const auto expired = service_->expire(now - std::chrono::seconds(60), now);
    EXPECT_EQ(expired.peers.size(), 20u);
    ASSERT_EQ(fake_->updates.size(), 1u);
    EXPECT_EQ(fake_->updates[0].peers.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Fake, PeerServiceRefusals,
                         ::testing::Values(DeviceCase{"fake", make_fake}), device_case_name);

}  // namespace
}  // namespace wmsgate::provisioning::testing

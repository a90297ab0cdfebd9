#pragma once

// PeerService's cases, written once and run against every device they
// should hold for: the shared fake (unit, peer_service_test.cpp) and
// wireguard-go in a network namespace (integration,
// peer_service_integration_test.cpp). A test binary picks the devices with
//   INSTANTIATE_TEST_SUITE_P(Fake, PeerServiceCases,
//       ::testing::Values(DeviceCase{"fake", make_fake}), device_case_name);
// Every case checks the device by reading it back (WgDevice::get), so the
// oracle is the device's own report, not the updates sent to it.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "netcfg/wg_device.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/registry.hpp"
#include "support/temp_dir.hpp"

namespace wmsgate::provisioning::testing {

// A device the cases run against, alive as long as this object.
class DeviceUnderTest {
  public:
    virtual ~DeviceUnderTest() = default;
    virtual netcfg::WgDevice& device() = 0;
};

// Why a device could not be had: skip (no root, no wireguard-go) or fail.
struct DeviceUnavailable {
    bool skip = false;
    std::string reason;
};

struct DeviceCase {
    std::string name;
    std::function<tl::expected<std::unique_ptr<DeviceUnderTest>, DeviceUnavailable>()> make;
};

inline void PrintTo(const DeviceCase& c, std::ostream* os) {
    *os << c.name;
}

std::string device_case_name(const ::testing::TestParamInfo<DeviceCase>& info);

class PeerServiceCases : public ::testing::TestWithParam<DeviceCase> {
  protected:
    void SetUp() override;
    void TearDown() override;

    netcfg::WgDevice& device() { return device_->device(); }
    // The peer of this public key as the device reports it.
    std::optional<netcfg::WgPeer> on_device(const netcfg::PublicKey& key);
    // Fails the test unless the device holds exactly the registry's peers
    // in service, each with exactly its own addresses and its preshared key.
    void expect_device_is_projection();
    PeerAdded add(const std::string& name);
    // A peer stored directly, as if added before the daemon started.
    Peer store(const std::string& name, const char* ipv4, std::optional<Seconds> expires = {});

    wmsgate::testing::TempDir dir_{"wmsgate-peer-service"};
    std::vector<netcfg::IpPrefix> prefixes_;
    std::unique_ptr<DeviceUnderTest> device_;
    std::optional<Registry> registry_;
    std::optional<PeerService> service_;
};

}  // namespace wmsgate::provisioning::testing

// PeerService's shared cases against wireguard-go, in a network namespace
// of the test's own (root; skipped without it or without wireguard-go).

#include "../netcfg/conformance/backend_session.hpp"
#include "peer_service_cases.hpp"

namespace wmsgate::provisioning::testing {
namespace {

class WireguardGoUnderTest final : public DeviceUnderTest {
  public:
    netcfg::WgDevice& device() override { return session.device(); }
    netcfg::testing::BackendSession session;
};

tl::expected<std::unique_ptr<DeviceUnderTest>, DeviceUnavailable> make_wireguard_go() {
    auto under_test = std::make_unique<WireguardGoUnderTest>();
    using Status = netcfg::testing::BackendSession::Status;
    const auto status = under_test->session.start({"uapi", netcfg::BackendChoice::uapi});
    if (status != Status::ready) {
        return tl::unexpected(
            DeviceUnavailable{status == Status::skip, under_test->session.reason()});
    }
    return under_test;
}

INSTANTIATE_TEST_SUITE_P(WireguardGo, PeerServiceCases,
                         ::testing::Values(DeviceCase{"uapi", make_wireguard_go}),
                         device_case_name);

}  // namespace
}  // namespace wmsgate::provisioning::testing

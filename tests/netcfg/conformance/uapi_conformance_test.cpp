#include "wg_device_conformance.hpp"

namespace wmsgate::netcfg::testing {
namespace {

const BackendCase uapi{"uapi", BackendChoice::uapi};

INSTANTIATE_TEST_SUITE_P(Uapi, WgDeviceConformance, ::testing::Values(uapi), backend_case_name);
INSTANTIATE_TEST_SUITE_P(Uapi, WgDevicePeerCount,
                         ::testing::Combine(::testing::Values(uapi),
                                            ::testing::Values(1, 100, 5000)),
                         peer_count_name);

}  // namespace
}  // namespace wmsgate::netcfg::testing

#include "../conformance/wg_device_conformance.hpp"

namespace wmsgate::netcfg::testing {
namespace {

const BackendCase kernel{"kernel", BackendChoice::kernel};

// 1,000 peers: enough that the set messages are split (24 to a message).
INSTANTIATE_TEST_SUITE_P(Kernel, WgDeviceConformance, ::testing::Values(kernel), backend_case_name);
INSTANTIATE_TEST_SUITE_P(Kernel, WgDevicePeerCount,
                         ::testing::Combine(::testing::Values(kernel),
                                            ::testing::Values(1, 100, 1000)),
                         peer_count_name);

}  // namespace
}  // namespace wmsgate::netcfg::testing

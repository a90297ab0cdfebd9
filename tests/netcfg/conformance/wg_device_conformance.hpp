#pragma once

#include <gtest/gtest.h>

#include <tuple>

#include "backend_session.hpp"

namespace wmsgate::netcfg::testing {

// What every WgDevice backend must do, written once. A test binary runs them
// for a backend with
//   INSTANTIATE_TEST_SUITE_P(Uapi, WgDeviceConformance,
//       ::testing::Values(BackendCase{"uapi", BackendChoice::uapi}), ...);
// (and WgDevicePeerCount with the peer counts it wants).
class WgDeviceConformance : public ::testing::TestWithParam<BackendCase> {
  protected:
    void SetUp() override { WMSGATE_START_SESSION(session_, GetParam()); }
    void TearDown() override { session_.stop(); }
    WgDevice& device() { return session_.device(); }

    BackendSession session_;
};

class WgDevicePeerCount : public ::testing::TestWithParam<std::tuple<BackendCase, int>> {
  protected:
    void SetUp() override { WMSGATE_START_SESSION(session_, std::get<0>(GetParam())); }
    void TearDown() override { session_.stop(); }

    BackendSession session_;
};

// "uapi" / "kernel_1000" style names for the parameterized tests.
std::string backend_case_name(const ::testing::TestParamInfo<BackendCase>& info);
std::string peer_count_name(const ::testing::TestParamInfo<std::tuple<BackendCase, int>>& info);

}  // namespace wmsgate::netcfg::testing

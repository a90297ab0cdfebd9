#include "daemon/reload_check.hpp"

#include <gtest/gtest.h>

namespace wmsgate::daemon {
namespace {

Config base() {
    Config config;
    config.interface.addresses = {*netcfg::IpPrefix::parse("10.77.0.1/24")};
    config.interface.endpoint = "192.0.2.1:51820";
    return config;
}

TEST(ReloadCheckTest, LayersGroupsAndWmsSettingsApplyLive) {
    const Config running = base();
    Config next = base();
    next.layers.push_back(wms::LayerConfig{});
    next.groups["survey"] = {"ortho"};
    next.wms.service.title = "New title";
    next.wms.service.max_width = 512;
    next.metrics.group = "survey";
    next.interface.endpoint = "maps.example.org:51820";
    next.daemon.log_level = "debug";
    EXPECT_TRUE(keys_needing_restart(running, next).empty());
}

TEST(ReloadCheckTest, TunnelSocketAndPathsNeedARestart) {
    const Config running = base();
    Config next = base();
    next.interface.name = "wg1";
    next.interface.listen_port = 51821;
    next.interface.addresses = {*netcfg::IpPrefix::parse("10.78.0.1/24")};
    next.interface.backend = netcfg::BackendChoice::kernel;
    next.wms.port = 8081;
    next.wms.render_threads = 8;
    next.daemon.state_dir = "/srv/state";
    next.daemon.control_socket = "/run/other.sock";
    next.daemon.admin_group = "staff";
    EXPECT_EQ(
        keys_needing_restart(running, next),
        (std::vector<std::string>{"daemon.state_dir", "daemon.control_socket", "daemon.admin_group",
                                  "interface.name", "interface.listen_port", "interface.address",
                                  "interface.backend", "wms.port", "wms.render_threads"}));
}

}  // namespace
}  // namespace wmsgate::daemon

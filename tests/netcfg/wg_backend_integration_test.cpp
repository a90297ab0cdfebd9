#include "integration_fixture.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/wg_backend.hpp"
#include "netcfg/wg_kernel.hpp"

namespace wmsgate::netcfg::testing {
namespace {

class BackendChoiceTest : public NetnsTest {
  protected:
    UapiSettings settings() const {
        UapiSettings s;
        s.binary = wireguard_go_binary;
        return s;
    }
    // Whether this kernel has WireGuard, asked the way the factory asks.
    static bool kernel_has_wireguard() { return KernelDevice::open("wgprobe").has_value(); }
    bool link_exists(const std::string& name) {
        auto rtnl = Rtnetlink::open();
        return rtnl && rtnl->link_index(name).has_value();
    }
    // Names used with the factory go through ifname() so TearDown removes
    // any socket file left behind.
    std::string name(char suffix) {
        start_names_.push_back(ifname(suffix));
        return start_names_.back();
    }
    void TearDown() override {
        for (const auto& n : start_names_) {
            std::error_code ignored;
            std::filesystem::remove(socket_dir / (n + ".sock"), ignored);
        }
        NetnsTest::TearDown();
    }
    std::vector<std::string> start_names_;
};

TEST_F(BackendChoiceTest, ParsesTheConfigWords) {
    EXPECT_EQ(parse_backend_choice("auto"), BackendChoice::automatic);
    EXPECT_EQ(parse_backend_choice("kernel"), BackendChoice::kernel);
    EXPECT_EQ(parse_backend_choice("uapi"), BackendChoice::uapi);
    EXPECT_FALSE(parse_backend_choice("Kernel"));
}

TEST_F(BackendChoiceTest, AutomaticFallsBackToWireguardGoWithoutKernelWireguard) {
    if (kernel_has_wireguard()) GTEST_SKIP() << "this kernel has WireGuard";
    const auto n = name('a');
    {
        auto opened = open_wireguard_device(n, BackendChoice::automatic, settings());
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(opened->backend_name, "uapi");
        EXPECT_TRUE(opened->created);
        ASSERT_NE(opened->wireguard_go, nullptr);
        EXPECT_TRUE(opened->wireguard_go->running());
        EXPECT_TRUE(opened->device->get());
        // No kernel link was left behind by the attempt: the link is wireguard-go's.
        auto rtnl = Rtnetlink::open();
        EXPECT_EQ(rtnl->link_info(n)->kind, "tun");
    }
    // Destroying it stops wireguard-go, which takes its link along.
    EXPECT_TRUE(eventually([&] { return !link_exists(n); }));
}

TEST_F(BackendChoiceTest, KernelChoiceWithoutKernelWireguardNamesTheFix) {
    if (kernel_has_wireguard()) GTEST_SKIP() << "this kernel has WireGuard";
    const auto n = name('b');
    auto opened = open_wireguard_device(n, BackendChoice::kernel, settings());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), make_error_code(Errc::kernel_wireguard_missing));
    const auto text = opened.error().message();
    EXPECT_NE(text.find("modprobe wireguard"), std::string::npos) << text;
    EXPECT_NE(text.find("uapi"), std::string::npos) << text;
    EXPECT_FALSE(link_exists(n));
}

TEST_F(BackendChoiceTest, ARunningWireguardGoIsAdoptedNotRestarted) {
    auto* running = start_wireguard_go('c');
    ASSERT_NE(running, nullptr);
    for (auto choice : {BackendChoice::automatic, BackendChoice::uapi}) {
        auto opened = open_wireguard_device(ifname('c'), choice, settings());
        ASSERT_TRUE(opened) << opened.error().message();
        EXPECT_EQ(opened->backend_name, "uapi");
        EXPECT_FALSE(opened->created);
        EXPECT_EQ(opened->wireguard_go, nullptr);
        DeviceUpdate update;
        update.listen_port = 40002;
        ASSERT_TRUE(opened->device->apply(update));
    }
    // Dropping the adopted handles left the device and its process alone.
    EXPECT_TRUE(running->running());
    EXPECT_TRUE(link_exists(ifname('c')));

    auto kernel = open_wireguard_device(ifname('c'), BackendChoice::kernel, settings());
    ASSERT_FALSE(kernel);
    EXPECT_EQ(kernel.error(), make_error_code(Errc::backend_mismatch));
}

TEST_F(BackendChoiceTest, ALinkThatIsNotWireguardIsTaken) {
    for (auto choice : {BackendChoice::automatic, BackendChoice::kernel, BackendChoice::uapi}) {
        auto opened = open_wireguard_device("lo", choice, settings());
        ASSERT_FALSE(opened);
        EXPECT_EQ(opened.error(), make_error_code(Errc::interface_taken));
    }
    // A tun link nobody serves a socket for is not wireguard-go's either.
    run_command("ip tuntap add dev " + name('d') + " mode tun");
    auto opened = open_wireguard_device(ifname('d'), BackendChoice::automatic, settings());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), make_error_code(Errc::interface_taken));
}

TEST_F(BackendChoiceTest, BadNamesAndAMissingWireguardGo) {
    EXPECT_EQ(open_wireguard_device("much-too-long-name", BackendChoice::automatic).error(),
              make_error_code(Errc::interface_name_invalid));
    UapiSettings missing = settings();
    missing.binary = "/nonexistent/wireguard-go";
    auto opened = open_wireguard_device(name('e'), BackendChoice::uapi, missing);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(), make_error_code(Errc::wireguard_go_missing));
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

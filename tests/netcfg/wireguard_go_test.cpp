#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>

#include "integration_fixture.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/uapi_device.hpp"
#include "netcfg/unique_fd.hpp"

namespace wmsgate::netcfg::testing {
namespace {

using namespace std::chrono_literals;

bool link_exists(const std::string& name) {
    auto rtnl = Rtnetlink::open();
    return rtnl && rtnl->link_index(name).has_value();
}

class WireguardGoTest : public NetnsTest {
  protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        char templ[] = "/tmp/netcfg-wggo-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        temp_ = templ;
    }
    void TearDown() override {
        if (!temp_.empty()) std::filesystem::remove_all(temp_);
        NetnsTest::TearDown();
    }
    WireguardGo::Options options(char suffix) const {
        WireguardGo::Options o;
        o.ifname = ifname(suffix);
        o.binary = wireguard_go_binary;
        return o;
    }
    std::filesystem::path temp_;
};

TEST_F(WireguardGoTest, StartCreatesLinkAndSocket) {
    auto* wg = start_wireguard_go('a');
    ASSERT_NE(wg, nullptr);
    EXPECT_GT(wg->pid(), 0);
    EXPECT_TRUE(wg->running());
    EXPECT_TRUE(std::filesystem::is_socket(socket_dir / (ifname('a') + ".sock")));
    EXPECT_TRUE(link_exists(ifname('a')));
    // Independently: the link is in this namespace, as `ip` sees it.
    EXPECT_NE(run_command("ip -o link show").find(ifname('a') + ":"), std::string::npos);
    // And it answers the protocol.
    EXPECT_TRUE(UapiDevice(ifname('a')).get());
}

TEST_F(WireguardGoTest, SecondStartWithTheSameNameIsTaken) {
    auto* first = start_wireguard_go('a');
    ASSERT_NE(first, nullptr);
    auto second = WireguardGo::start(options('a'));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), make_error_code(Errc::interface_taken));
    EXPECT_TRUE(first->running());
    EXPECT_EQ(child_pids(), std::vector<pid_t>{first->pid()});
}

TEST_F(WireguardGoTest, SocketAlreadyAnsweringIsTaken) {
    // No link of this name here, but something serves its socket (as another
    // namespace's wireguard-go would).
    const auto path = temp_ / (ifname('b') + ".sock");
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.get(), 4), 0);

    auto opts = options('b');
    opts.socket_dir = temp_;
    auto started = WireguardGo::start(opts);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), make_error_code(Errc::interface_taken));
    EXPECT_TRUE(child_pids().empty());
}

TEST_F(WireguardGoTest, MissingBinaryIsReportedBeforeForking) {
    const auto not_executable = temp_ / "wireguard-go";
    std::ofstream(not_executable) << "#!/bin/sh\n";
    for (const std::string& binary :
         {std::string("/nonexistent/wireguard-go"), std::string("wmsgate-no-such-wireguard-go"),
          not_executable.string(), std::string("/usr/bin")}) {
        auto opts = options('c');
        opts.binary = binary;
        auto started = WireguardGo::start(opts);
        ASSERT_FALSE(started) << binary;
        EXPECT_EQ(started.error(), make_error_code(Errc::wireguard_go_missing)) << binary;
    }
    EXPECT_TRUE(child_pids().empty());
}

TEST_F(WireguardGoTest, InvalidNameIsRefused) {
    auto opts = options('d');
    opts.ifname = "../etc";
    auto started = WireguardGo::start(opts);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), make_error_code(Errc::interface_name_invalid));
}

TEST_F(WireguardGoTest, ChildThatExitsIsAFailure) {
    auto opts = options('e');
    opts.binary = "/bin/false";
    auto started = WireguardGo::start(opts);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), make_error_code(Errc::wireguard_go_failed));
    EXPECT_TRUE(child_pids().empty());  // reaped
}

TEST_F(WireguardGoTest, ChildWithoutSocketIsKilledAfterTheTimeout) {
    const auto script = temp_ / "silent-wireguard-go";
    std::ofstream(script) << "#!/bin/sh\nexec sleep 30\n";
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    auto opts = options('f');
    opts.binary = script.string();
    opts.start_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto started = WireguardGo::start(opts);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), make_error_code(Errc::wireguard_go_failed));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_TRUE(child_pids().empty());  // killed and reaped
}

TEST_F(WireguardGoTest, KilledChildIsNoticedAndRestarted) {
    auto* wg = start_wireguard_go('g');
    ASSERT_NE(wg, nullptr);
    const pid_t old_pid = wg->pid();
    ASSERT_EQ(::kill(old_pid, SIGKILL), 0);
    ASSERT_TRUE(eventually([&] { return !wg->running(); }));
    EXPECT_EQ(wg->pid(), -1);
    EXPECT_TRUE(child_pids().empty());  // reaped by running()

    auto restarted = wg->restart();
    ASSERT_TRUE(restarted) << restarted.error().message();
    EXPECT_TRUE(wg->running());
    EXPECT_GT(wg->pid(), 0);
    EXPECT_NE(wg->pid(), old_pid);
    EXPECT_TRUE(link_exists(ifname('g')));
    EXPECT_TRUE(UapiDevice(ifname('g')).get());
    EXPECT_TRUE(wg->restart());  // running: nothing to do
    EXPECT_EQ(child_pids(), std::vector<pid_t>{wg->pid()});
}

TEST_F(WireguardGoTest, DestructionStopsTheChildAndItsLinkAndSocket) {
    auto* wg = start_wireguard_go('h');
    ASSERT_NE(wg, nullptr);
    const pid_t pid = wg->pid();
    processes_.clear();
    EXPECT_EQ(::kill(pid, 0), -1);  // reaped, not a zombie
    EXPECT_EQ(errno, ESRCH);
    EXPECT_FALSE(std::filesystem::exists(socket_dir / (ifname('h') + ".sock")));
    EXPECT_TRUE(eventually([&] { return !link_exists(ifname('h')); }));
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

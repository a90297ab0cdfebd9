#include "integration_fixture.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace wmsgate::netcfg::testing {

void NetnsTest::SetUp() {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: creates network namespaces and tun links";
    if (::access(wireguard_go_binary, X_OK) != 0)
        GTEST_SKIP() << "needs " << wireguard_go_binary << " (apt-get install wireguard-go)";
    static int counter = 0;
    const auto name = "wgt-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    const auto error = TempNetns::create_and_enter(name, netns_);
    ASSERT_TRUE(error.empty()) << error;
}

void NetnsTest::TearDown() {
    // Stops every wireguard-go (SIGTERM, reaped) while still inside the namespace.
    processes_.clear();
    // A test that SIGKILLed one leaves a dead socket file in the shared directory.
    for (const auto& name : used_names_) {
        std::error_code ignored;
        std::filesystem::remove(socket_dir / (name + ".sock"), ignored);
    }
    netns_.leave();  // and deletes the namespace
}

std::string NetnsTest::ifname(char suffix) const {
    return "wgt" + std::to_string(::getpid()) + suffix;
}

WireguardGo* NetnsTest::start_wireguard_go(char suffix) {
    used_names_.push_back(ifname(suffix));
    WireguardGo::Options options;
    options.ifname = ifname(suffix);
    options.binary = wireguard_go_binary;
    auto process = WireguardGo::start(options);
    if (!process) {
        ADD_FAILURE() << "WireguardGo::start: " << process.error().message();
        return nullptr;
    }
    processes_.push_back(std::move(*process));
    return processes_.back().get();
}

std::string run_command(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "re");
    if (!pipe) {
        ADD_FAILURE() << "popen: " << command;
        return {};
    }
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command;
    return out;
}

std::vector<pid_t> child_pids() {
    std::vector<pid_t> children;
    const pid_t self = ::getpid();
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // "pid (comm) state ppid ...": comm may hold spaces, so parse after ')'.
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        char state = 0;
        pid_t ppid = 0;
        if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == self)
            children.push_back(static_cast<pid_t>(std::stoi(name)));
    }
    return children;
}

}  // namespace wmsgate::netcfg::testing

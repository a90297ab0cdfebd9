#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "netcfg/wireguard_go.hpp"
#include "temp_netns.hpp"

namespace wmsgate::netcfg::testing {

inline constexpr const char* wireguard_go_binary = "/usr/bin/wireguard-go";
inline const std::filesystem::path socket_dir = "/var/run/wireguard";

// Each test runs in its own network namespace, entered by the test thread, so
// wireguard-go and any tool started from the test land there too. Interface
// names carry the pid because /var/run/wireguard is shared by all namespaces.
class NetnsTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    std::string ifname(char suffix) const;
    // Starts wireguard-go for ifname(suffix), kept until the test ends;
    // nullptr (and a test failure) when it does not start.
    WireguardGo* start_wireguard_go(char suffix);

    std::vector<std::unique_ptr<WireguardGo>> processes_;

  private:
    TempNetns netns_;
    std::vector<std::string> used_names_;
};

// Runs a shell command (inside the test's namespace) and returns its stdout;
// a nonzero exit fails the test.
std::string run_command(const std::string& command);

// Polls `condition` until it holds or `timeout` passes; its last result.
template <typename Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Pids of this process's children, zombies included (from /proc/*/stat).
std::vector<pid_t> child_pids();

}  // namespace wmsgate::netcfg::testing

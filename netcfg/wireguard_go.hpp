#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::netcfg {

// Starts and supervises `wireguard-go -f IFNAME`, which creates the tun link
// IFNAME in the calling thread's network namespace and serves the UAPI socket
// socket_dir/IFNAME.sock. Not thread-safe. The child gets SIGTERM if the thread
// that started it exits, so start it from a thread that lives as long as this
// object (the daemon's main thread) — that is also what keeps a crashed daemon
// from leaving a wireguard-go behind.
class WireguardGo {
  public:
    struct Options {
        std::string ifname;
        // Looked up in PATH when it has no '/'.
        std::string binary = "wireguard-go";
        // Where to look for the socket. wireguard-go itself always uses
        // /var/run/wireguard; another directory is only useful in tests.
        std::filesystem::path socket_dir = "/var/run/wireguard";
        std::chrono::milliseconds start_timeout{30000};
    };

    // Returns once the UAPI socket accepts connections. Errors:
    // interface_name_invalid; wireguard_go_missing (checked before forking);
    // interface_taken (a link of that name exists, or something already
    // answers on the socket); wireguard_go_failed (the child exited, or no
    // socket within start_timeout: the child is then killed and reaped).
    static tl::expected<std::unique_ptr<WireguardGo>, std::error_code> start(Options options);

    // SIGTERM (wireguard-go then removes its link and socket), up to 2 s
    // grace, then SIGKILL; always reaped.
    ~WireguardGo();
    WireguardGo(const WireguardGo&) = delete;
    WireguardGo& operator=(const WireguardGo&) = delete;

    // The child's pid, or -1 once it has exited and been reaped.
    pid_t pid() const { return pid_; }
    // Reaps the child if it has exited; false from then on.
    bool running();
    // Starts the child again with the same options after it died, waiting up
    // to start_timeout for the old link to go away; the caller then re-applies
    // the device's configuration. Does nothing while the child still runs.
    tl::expected<void, std::error_code> restart();

  private:
    WireguardGo(Options options, std::string binary_path)
        : options_(std::move(options)), binary_path_(std::move(binary_path)) {}
    tl::expected<void, std::error_code> launch();
    void stop();

    Options options_;
    std::string binary_path_;
    pid_t pid_ = -1;
};

}  // namespace wmsgate::netcfg

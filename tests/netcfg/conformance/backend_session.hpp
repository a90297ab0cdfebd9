#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "../temp_netns.hpp"
#include "netcfg/wg_backend.hpp"

namespace wmsgate::netcfg::testing {

// One backend the conformance tests run against, opened through the same
// factory the daemon uses.
struct BackendCase {
    std::string name;  // "kernel" or "uapi", also the test-name suffix
    BackendChoice choice;
};

inline std::string PrintToString(const BackendCase& c) {
    return c.name;
}

// A fresh network namespace, entered by the calling thread, holding one new,
// empty device of the chosen backend; both go away on destruction.
class BackendSession {
  public:
    enum class Status { ready, skip, failed };

    // Why the last start() skipped or failed.
    const std::string& reason() const { return reason_; }
    Status start(const BackendCase& backend);
    ~BackendSession() { stop(); }
    void stop();

    WgDevice& device() { return *opened_->device; }
    OpenedDevice& opened() { return *opened_; }
    const std::string& ifname() const { return ifname_; }
    // A further unique interface name for this session (same namespace).
    std::string another_name();

  private:
    TempNetns netns_;
    std::optional<OpenedDevice> opened_;
    std::string ifname_;
    std::vector<std::string> names_;
    std::string reason_;
};

// Skips (or fails) the current test unless the session started; use in SetUp.
#define WMSGATE_START_SESSION(session, backend)                                       \
    do {                                                                              \
        const auto status_ = (session).start(backend);                                \
        if (status_ == ::wmsgate::netcfg::testing::BackendSession::Status::skip)      \
            GTEST_SKIP() << (session).reason();                                       \
        ASSERT_EQ(status_, ::wmsgate::netcfg::testing::BackendSession::Status::ready) \
            << (session).reason();                                                    \
    } while (false)

// Peer n: a random public key; 10.99.x.y/32 and fd99::n/128; every other one
// a preshared key, every third an endpoint, some others a keepalive (never
// with an endpoint, which would make the device try to reach it).
WgPeer numbered_peer(int n);
std::vector<WgPeer> numbered_peers(int count, int first = 0);
std::vector<PeerUpdate> upserts(const std::vector<WgPeer>& peers);
// Field by field, allowed IPs as sets; counters and handshakes ignored.
void expect_device_holds(const WgDeviceState& state, const std::vector<WgPeer>& want);

}  // namespace wmsgate::netcfg::testing

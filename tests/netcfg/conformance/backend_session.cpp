#include "backend_session.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg::testing {
namespace {

constexpr const char* wireguard_go_path = "/usr/bin/wireguard-go";

// Inside the test VM the kernel has WireGuard by construction; its absence
// there is a failure, not a reason to skip.
bool kernel_wireguard_required() {
    const char* v = std::getenv("WMSGATE_REQUIRE_KERNEL_WIREGUARD");
    return v && std::string(v) == "1";
}

std::set<std::string> prefix_texts(const std::vector<IpPrefix>& prefixes) {
    std::set<std::string> out;
    for (const auto& p : prefixes) out.insert(p.network().to_string());
    return out;
}

}  // namespace

BackendSession::Status BackendSession::start(const BackendCase& backend) {
    if (::geteuid() != 0) {
        reason_ = "needs root: creates network namespaces and WireGuard links";
        return Status::skip;
    }
    if (backend.choice == BackendChoice::uapi && ::access(wireguard_go_path, X_OK) != 0) {
        reason_ = std::string("needs ") + wireguard_go_path + " (apt-get install wireguard-go)";
        return Status::skip;
    }
    static int counter = 0;
    const auto ns = "wgc-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    if (auto error = TempNetns::create_and_enter(ns, netns_); !error.empty()) {
        reason_ = error;
        return Status::failed;
    }
    ifname_ = another_name();
    UapiSettings settings;
    settings.binary = wireguard_go_path;
    auto opened = open_wireguard_device(ifname_, backend.choice, settings);
    if (!opened) {
        reason_ = "open_wireguard_device(" + ifname_ + ", " + backend.name +
                  "): " + opened.error().message();
        if (opened.error() == make_error_code(Errc::kernel_wireguard_missing) &&
            !kernel_wireguard_required()) {
            return Status::skip;
        }
        return Status::failed;
    }
    opened_ = std::move(*opened);
    if (opened_->backend_name != backend.name) {
        reason_ = "got backend " + opened_->backend_name;
        return Status::failed;
    }
    return Status::ready;
}

std::string BackendSession::another_name() {
    static int counter = 0;
    names_.push_back("wgc" + std::to_string(::getpid()) + "x" + std::to_string(++counter));
    return names_.back();
}

void BackendSession::stop() {
    // Stops wireguard-go or deletes the kernel link while still in the namespace.
    opened_.reset();
    for (const auto& name : names_) {
        std::error_code ignored;
        std::filesystem::remove("/var/run/wireguard/" + name + ".sock", ignored);
    }
    names_.clear();
    netns_.leave();
}

WgPeer numbered_peer(int n) {
    WgPeer p;
    std::array<std::uint8_t, key_size> key;
    randombytes_buf(key.data(), key.size());
    p.public_key = PublicKey::from_bytes(key);
    p.allowed_ips = {*IpPrefix::parse("10.99." + std::to_string(n / 200) + "." +
                                      std::to_string(n % 200 + 2) + "/32"),
                     *IpPrefix::parse("fd99::" + std::to_string(n + 2) + "/128")};
    if (n % 2 == 0) p.preshared_key = SecretKey::generate_preshared();
    if (n % 3 == 0)
        p.endpoint =
            "192.0.2." + std::to_string(n % 250 + 1) + ":" + std::to_string(40000 + n % 20000);
    if (n % 3 == 1) p.persistent_keepalive = static_cast<std::uint16_t>(n % 600 + 1);
    return p;
}

std::vector<WgPeer> numbered_peers(int count, int first) {
    std::vector<WgPeer> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int n = first; n < first + count; ++n) out.push_back(numbered_peer(n));
    return out;
}

std::vector<PeerUpdate> upserts(const std::vector<WgPeer>& peers) {
    std::vector<PeerUpdate> out;
    out.reserve(peers.size());
    for (const auto& p : peers) out.push_back({PeerUpdate::Kind::upsert, p});
    return out;
}

void expect_device_holds(const WgDeviceState& state, const std::vector<WgPeer>& want) {
    ASSERT_EQ(state.peers.size(), want.size());
    std::map<PublicKey, const WgPeer*> by_key;
    for (const auto& p : state.peers) by_key[p.public_key] = &p;
    ASSERT_EQ(by_key.size(), want.size()) << "a public key appears twice";
    for (const auto& w : want) {
        const auto it = by_key.find(w.public_key);
        ASSERT_NE(it, by_key.end()) << w.public_key;
        const WgPeer& got = *it->second;
        SCOPED_TRACE(w.public_key.base64());
        EXPECT_EQ(w.preshared_key.has_value(), got.preshared_key.has_value());
        if (w.preshared_key && got.preshared_key) {
            EXPECT_TRUE(*w.preshared_key == *got.preshared_key);
        }
        EXPECT_EQ(w.endpoint, got.endpoint);
        EXPECT_EQ(w.persistent_keepalive, got.persistent_keepalive);
        EXPECT_EQ(prefix_texts(w.allowed_ips), prefix_texts(got.allowed_ips));
    }
}

}  // namespace wmsgate::netcfg::testing

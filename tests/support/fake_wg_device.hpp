#pragma once

// A WgDevice held in memory, with the semantics both real backends share
// (the conformance suite checks those on wireguard-go and the kernel): "set
// only what is given", replace_peers first, update_only never creates a
// peer, an upsert replaces allowed IPs whole. Records every update and can be
// told to refuse the next one. For unit tests of code above the device.

#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg::testing {

class FakeWgDevice final : public WgDevice {
  public:
    explicit FakeWgDevice(std::string name = "wgfake0") : name_(std::move(name)) {}

    const std::string& interface_name() const override { return name_; }

    tl::expected<WgDeviceState, std::error_code> get() override {
        if (refuse_reads) return tl::unexpected(std::make_error_code(std::errc::io_error));
        WgDeviceState state = identity;
        for (const auto& [key, peer] : peers) state.peers.push_back(peer);
        return state;
    }

    tl::expected<void, std::error_code> apply(const DeviceUpdate& update) override {
        updates.push_back(update);
        if (refuse_next) {
            refuse_next = false;
            return tl::unexpected(std::make_error_code(std::errc::io_error));
        }
        if (update.private_key) identity.public_key = update.private_key->public_key();
        if (update.listen_port) identity.listen_port = *update.listen_port;
        if (update.fwmark) identity.fwmark = *update.fwmark;
        if (update.replace_peers) peers.clear();
        for (const auto& change : update.peers) {
            const auto key = change.peer.public_key.base64();
            switch (change.kind) {
                case PeerUpdate::Kind::remove:
                    peers.erase(key);
                    break;
                case PeerUpdate::Kind::update_only:
                    if (auto it = peers.find(key); it != peers.end()) it->second = change.peer;
                    break;
                case PeerUpdate::Kind::upsert:
                    peers.insert_or_assign(key, change.peer);
                    break;
            }
        }
        return {};
    }

    WgDeviceState identity;               // public key, port, fwmark; peers below
    std::map<std::string, WgPeer> peers;  // by base64 public key
    std::vector<DeviceUpdate> updates;
    bool refuse_next = false;
    bool refuse_reads = false;

  private:
    std::string name_;
};

}  // namespace wmsgate::netcfg::testing

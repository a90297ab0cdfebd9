#include "netcfg/converge.hpp"

#include <algorithm>

#include "netcfg/reconcile.hpp"

namespace wmsgate::netcfg {

tl::expected<Convergence, std::error_code> converge_device(WgDevice& device,
                                                           const DesiredDevice& desired) {
    auto state = device.get();
    if (!state) return tl::unexpected(state.error());

    DeviceUpdate update;
    // The device reports the public half only; a matching public key means the
    // private key is ours.
    if (!state->public_key || *state->public_key != desired.private_key.public_key())
        update.private_key = desired.private_key;
    if (state->listen_port != desired.listen_port) update.listen_port = desired.listen_port;
    // We never set a mark; one found was set by someone else and would change
    // how the tunnel's packets are routed.
    if (state->fwmark != 0) update.fwmark = 0;
    update.peers = reconcile(desired.peers, state->peers);

    Convergence done;
    done.identity_changed = update.private_key || update.listen_port || update.fwmark;
    done.peers_removed = static_cast<std::size_t>(
        std::count_if(update.peers.begin(), update.peers.end(),
                      [](const auto& p) { return p.kind == PeerUpdate::Kind::remove; }));
    done.peers_written = update.peers.size() - done.peers_removed;
    if (update.empty()) return done;
    if (auto ok = device.apply(update); !ok) return tl::unexpected(ok.error());
    return done;
}

}  // namespace wmsgate::netcfg

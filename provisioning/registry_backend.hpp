#pragma once

// The registry's one interface, with two implementations: SqliteRegistry
// (one appliance, the default) and PgRegistry (a fleet of appliances sharing
// one PostgreSQL database). Both store the same schema meaning, apply the
// same numbered migrations and give the same answers; Registry (registry.hpp)
// is the value type the rest of the program holds, forwarding to one of them.

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/key.hpp"
#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {

// Who asked for a change, for the audit line written in the change's own
// transaction: a change and its audit line are stored together or not at all.
struct Actor {
    std::int64_t uid = -1;  // -1: the daemon itself
    std::string details;    // what the audit line says besides action and peer
};

enum class RegistryKind { sqlite, postgresql };

// Every method states its errors in registry.hpp. An implementation is used
// from one thread only.
class RegistryBackend {
  public:
    RegistryBackend() = default;
    RegistryBackend(const RegistryBackend&) = delete;
    RegistryBackend& operator=(const RegistryBackend&) = delete;
    virtual ~RegistryBackend() = default;

    virtual RegistryKind kind() const noexcept = 0;

    virtual tl::expected<Peer, std::error_code> add(const NewPeer& peer, const Actor& actor) = 0;
    virtual tl::expected<std::vector<Peer>, std::error_code> list() const = 0;
    virtual tl::expected<std::optional<Peer>, std::error_code> find(
        std::string_view name) const = 0;
    virtual tl::expected<void, std::error_code> remove(std::string_view name,
                                                       const Actor& actor) = 0;
    virtual tl::expected<Peer, std::error_code> change(std::string_view name,
                                                       const PeerChange& change,
                                                       const Actor& actor) = 0;
    virtual tl::expected<Peer, std::error_code> set_disabled(std::string_view name, bool disabled,
                                                             const Actor& actor) = 0;
    virtual tl::expected<Peer, std::error_code> revoke(std::string_view name, Seconds when,
                                                       const Actor& actor) = 0;
    virtual tl::expected<Peer, std::error_code> rotate_key(
        std::string_view name, const netcfg::PublicKey& public_key,
        std::optional<netcfg::SecretKey> preshared_key, KeyOrigin origin, const Actor& actor) = 0;

    virtual tl::expected<std::vector<boost::asio::ip::address>, std::error_code> taken_addresses()
        const = 0;
    virtual tl::expected<std::optional<Seconds>, std::error_code> next_expiry(
        Seconds after) const = 0;
    virtual tl::expected<std::vector<std::string>, std::error_code> expiring(
        Seconds after, Seconds upto) const = 0;

    virtual tl::expected<void, std::error_code> audit(const std::vector<AuditEntry>& entries) = 0;
    virtual tl::expected<std::vector<AuditEntry>, std::error_code> audit_since(
        Seconds since) const = 0;

    virtual tl::expected<netcfg::PublicKey, std::error_code> claim_server_key(
        const netcfg::PublicKey& ours) = 0;
    virtual std::string change_origin() const { return {}; }
};

}  // namespace wmsgate::provisioning

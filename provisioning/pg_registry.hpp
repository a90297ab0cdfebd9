#pragma once

// The registry in PostgreSQL, for a fleet of appliances sharing it. Private
// to provisioning/; the rest of the program holds a Registry.
//
// Correct with several appliances writing at once without any lock in the
// daemons: every change is one SERIALIZABLE transaction (its checks, its
// rows, its audit line and its change notice), run again when PostgreSQL
// reports that a concurrent transaction won (serialization failure,
// deadlock); the UNIQUE constraints are the last word on names, keys and
// addresses, and their violations come back as name_taken,
// public_key_taken and address_taken.

#include <functional>
#include <memory>
#include <string>

#include "provisioning/pg.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::provisioning {

class PgRegistry final : public RegistryBackend {
  public:
    // See Registry::open_postgresql.
    static tl::expected<std::unique_ptr<PgRegistry>, RegistryOpenError> open(
        const std::string& dsn);

    RegistryKind kind() const noexcept override { return RegistryKind::postgresql; }

    tl::expected<Peer, std::error_code> add(const NewPeer& peer, const Actor& actor) override;
    tl::expected<std::vector<Peer>, std::error_code> list() const override;
    tl::expected<std::optional<Peer>, std::error_code> find(std::string_view name) const override;
    tl::expected<void, std::error_code> remove(std::string_view name, const Actor& actor) override;
    tl::expected<Peer, std::error_code> change(std::string_view name, const PeerChange& change,
                                               const Actor& actor) override;
    tl::expected<Peer, std::error_code> set_disabled(std::string_view name, bool disabled,
                                                     const Actor& actor) override;
    tl::expected<Peer, std::error_code> revoke(std::string_view name, Seconds when,
                                               const Actor& actor) override;
    tl::expected<Peer, std::error_code> rotate_key(std::string_view name,
                                                   const netcfg::PublicKey& public_key,
                                                   std::optional<netcfg::SecretKey> preshared_key,
                                                   KeyOrigin origin, const Actor& actor) override;
    tl::expected<std::vector<boost::asio::ip::address>, std::error_code> taken_addresses()
        const override;
    tl::expected<std::optional<Seconds>, std::error_code> next_expiry(Seconds after) const override;
    tl::expected<std::vector<std::string>, std::error_code> expiring(Seconds after,
                                                                     Seconds upto) const override;
    tl::expected<void, std::error_code> audit(const std::vector<AuditEntry>& entries) override;
    tl::expected<std::vector<AuditEntry>, std::error_code> audit_since(
        Seconds since) const override;
    tl::expected<netcfg::PublicKey, std::error_code> claim_server_key(
        const netcfg::PublicKey& ours) override;
    std::string change_origin() const override { return origin_; }

  private:
    enum class Access { read, write };
    using Body = std::function<tl::expected<void, std::error_code>(PGconn*)>;

    PgRegistry(std::string dsn, pg::ConnectionPtr conn);

    // Runs `body` in one transaction: again, up to a few times, when a
    // concurrent transaction won; once more on a new connection when the
    // old one turns out dead before anything was sent (the server
    // restarted since). `body` may run more than once: it must only write
    // to the database and to what it captured.
    tl::expected<void, std::error_code> transact(Access access, const Body& body) const;
    // The connection, made anew when there is none or it broke.
    tl::expected<PGconn*, std::error_code> connection() const;
    // The frame of every change to an existing peer, as in SQLite's mutate().
    using Mutation = std::function<tl::expected<void, std::error_code>(PGconn*, const Peer&)>;
    tl::expected<Peer, std::error_code> mutate(std::string_view name, const std::string& action,
                                               const Actor& actor, const Mutation& mutation,
                                               const std::optional<netcfg::PublicKey>& old_key);

    std::string dsn_;
    // A random tag for this registry's change notices (change_notice.hpp).
    std::string origin_;
    mutable pg::ConnectionPtr conn_;
};

}  // namespace wmsgate::provisioning

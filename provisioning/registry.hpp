#pragma once

#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "provisioning/names.hpp"
#include "provisioning/peer.hpp"
#include "provisioning/registry_backend.hpp"

namespace wmsgate::provisioning {

// How to reach a PostgreSQL registry, and why it could not be opened: libpq's
// own words (which server, which socket, what it said) besides the code.
struct RegistryOpenError {
    std::error_code code;
    std::string detail;
};

// The peer registry: the source of truth that the device is a projection of.
// Every change is one transaction with its audit line. Two stores behind one
// interface (registry_backend.hpp): SQLite in WAL mode, the default, for one
// appliance; PostgreSQL for a fleet of appliances sharing it, where the
// constraints and serializable transactions keep names, keys and addresses
// unique however many appliances write at once. Not thread-safe: the daemon
// is its only user and calls it from one thread.
class Registry {
  public:
    // Opens or creates the SQLite database (its directory must exist), makes
    // the file mode 0600 and applies schema migrations. Errors:
    // schema_too_new, database_busy, database_failed.
    static tl::expected<Registry, std::error_code> open(const std::filesystem::path& file);
    // Connects to PostgreSQL with a libpq connection string ("host=/run/postgresql
    // dbname=wmsgate", "postgresql://..."), and applies the migrations under
    // an advisory lock, so appliances starting at once apply each once.
    // Errors: database_unreachable (detail: libpq's message),
    // schema_too_new, database_failed.
    static tl::expected<Registry, RegistryOpenError> open_postgresql(const std::string& dsn);

    explicit Registry(std::unique_ptr<RegistryBackend> backend) : backend_(std::move(backend)) {}
    Registry(Registry&&) noexcept = default;
    Registry& operator=(Registry&&) noexcept = default;
    ~Registry();

    RegistryKind kind() const noexcept { return backend_->kind(); }

    // Errors: invalid_name, invalid_group_name, name_taken, public_key_taken,
    // address_taken; on any error nothing is stored. The returned peer's
    // groups and layers are sorted and without duplicates, as list() and
    // find() give them.
    tl::expected<Peer, std::error_code> add(const NewPeer& peer, const Actor& actor = {}) {
        return backend_->add(peer, actor);
    }
    // Peers ordered by name (byte order), revoked and expired ones included.
    tl::expected<std::vector<Peer>, std::error_code> list() const { return backend_->list(); }
    // nullopt when no peer has that name (invalid names included).
    tl::expected<std::optional<Peer>, std::error_code> find(std::string_view name) const {
        return backend_->find(name);
    }
    // Removes the row itself; only to undo an add the device refused, so the
    // audit says so. Errors: not_found.
    tl::expected<void, std::error_code> remove(std::string_view name, const Actor& actor = {}) {
        return backend_->remove(name, actor);
    }

    // Each returns the peer as stored afterwards. Errors: not_found,
    // invalid_group_name; revoked for a revoked peer (revocation is final).
    tl::expected<Peer, std::error_code> change(std::string_view name, const PeerChange& change,
                                               const Actor& actor) {
        return backend_->change(name, change, actor);
    }
    tl::expected<Peer, std::error_code> set_disabled(std::string_view name, bool disabled,
                                                     const Actor& actor) {
        return backend_->set_disabled(name, disabled, actor);
    }
    tl::expected<Peer, std::error_code> revoke(std::string_view name, Seconds when,
                                               const Actor& actor) {
        return backend_->revoke(name, when, actor);
    }
    // A new key pair; the old public key is gone from the registry at once.
    // Errors as above, and public_key_taken.
    tl::expected<Peer, std::error_code> rotate_key(std::string_view name,
                                                   const netcfg::PublicKey& public_key,
                                                   std::optional<netcfg::SecretKey> preshared_key,
                                                   KeyOrigin origin, const Actor& actor) {
        return backend_->rotate_key(name, public_key, std::move(preshared_key), origin, actor);
    }

    // Every address ever given to a peer still in the registry (revoked and
    // expired ones too), so that none is handed out twice.
    tl::expected<std::vector<boost::asio::ip::address>, std::error_code> taken_addresses() const {
        return backend_->taken_addresses();
    }
    // The earliest expiry later than `after` of a peer neither revoked nor
    // disabled; nullopt if none.
    tl::expected<std::optional<Seconds>, std::error_code> next_expiry(Seconds after) const {
        return backend_->next_expiry(after);
    }
    // Names of peers neither revoked nor disabled with after < expires <= upto.
    tl::expected<std::vector<std::string>, std::error_code> expiring(Seconds after,
                                                                     Seconds upto) const {
        return backend_->expiring(after, upto);
    }

    tl::expected<void, std::error_code> audit(const AuditEntry& entry) {
        return backend_->audit({entry});
    }
    // All of them in one transaction (one disk sync), or none.
    tl::expected<void, std::error_code> audit(const std::vector<AuditEntry>& entries) {
        return backend_->audit(entries);
    }
    // Oldest first.
    tl::expected<std::vector<AuditEntry>, std::error_code> audit_since(Seconds since) const {
        return backend_->audit_since(since);
    }

    // The fleet's server public key: every appliance of a fleet must have the
    // same one, or a client's config would work with some of them only. The
    // first appliance to ask records `ours`; every later one gets the recorded
    // key back, and the caller refuses to start when it differs. SQLite,
    // which serves one appliance, records nothing and answers `ours`.
    tl::expected<netcfg::PublicKey, std::error_code> claim_server_key(
        const netcfg::PublicKey& ours) {
        return backend_->claim_server_key(ours);
    }

    // The origin tag of the change notices this registry sends to the
    // fleet (change_notice.hpp), so that an appliance can tell its own
    // changes from the others'; empty for SQLite, which sends none.
    std::string change_origin() const { return backend_->change_origin(); }

  private:
    std::unique_ptr<RegistryBackend> backend_;
};

}  // namespace wmsgate::provisioning

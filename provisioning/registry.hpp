#pragma once

#include <boost/asio/ip/address.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "provisioning/names.hpp"
#include "provisioning/peer.hpp"

struct sqlite3;

namespace wmsgate::provisioning {

// Who asked for a change, for the audit line written in the change's own
// transaction: a change and its audit line are stored together or not at all.
struct Actor {
    std::int64_t uid = -1;  // -1: the daemon itself
    std::string details;    // what the audit line says besides action and peer
};

// The peer registry: the source of truth that the device is a projection of.
// SQLite in WAL mode; every change is one transaction. Not thread-safe: the
// daemon is its only user and calls it from one thread.
class Registry {
  public:
    // Opens or creates the database (its directory must exist), makes the
    // file mode 0600 and applies schema migrations. Errors: schema_too_new,
    // database_busy, database_failed.
    static tl::expected<Registry, std::error_code> open(const std::filesystem::path& file);

    Registry(Registry&&) noexcept = default;
    Registry& operator=(Registry&&) noexcept = default;
    ~Registry();

    // Errors: invalid_name, invalid_group_name, name_taken, public_key_taken,
    // address_taken; on any error nothing is stored. The returned peer's
    // groups and layers are sorted and without duplicates, as list() and
    // find() give them.
    tl::expected<Peer, std::error_code> add(const NewPeer& peer, const Actor& actor = {});
    // Peers ordered by name (byte order), revoked and expired ones included.
    tl::expected<std::vector<Peer>, std::error_code> list() const;
    // nullopt when no peer has that name (invalid names included).
    tl::expected<std::optional<Peer>, std::error_code> find(std::string_view name) const;
    // Removes the row itself; only to undo an add the device refused, so the
    // audit says so. Errors: not_found.
    tl::expected<void, std::error_code> remove(std::string_view name, const Actor& actor = {});

    // Each returns the peer as stored afterwards. Errors: not_found,
    // invalid_group_name; revoked for a revoked peer (revocation is final).
    tl::expected<Peer, std::error_code> change(std::string_view name, const PeerChange& change,
                                               const Actor& actor);
    tl::expected<Peer, std::error_code> set_disabled(std::string_view name, bool disabled,
                                                     const Actor& actor);
    tl::expected<Peer, std::error_code> revoke(std::string_view name, Seconds when,
                                               const Actor& actor);
    // A new key pair; the old public key is gone from the registry at once.
    // Errors as above, and public_key_taken.
    tl::expected<Peer, std::error_code> rotate_key(std::string_view name,
                                                   const netcfg::PublicKey& public_key,
                                                   std::optional<netcfg::SecretKey> preshared_key,
                                                   KeyOrigin origin, const Actor& actor);

    // Every address ever given to a peer still in the registry (revoked and
    // expired ones too), so that none is handed out twice.
    tl::expected<std::vector<boost::asio::ip::address>, std::error_code> taken_addresses() const;
    // The earliest expiry later than `after` of a peer neither revoked nor
    // disabled; nullopt if none.
    tl::expected<std::optional<Seconds>, std::error_code> next_expiry(Seconds after) const;
    // Names of peers neither revoked nor disabled with after < expires <= upto.
    tl::expected<std::vector<std::string>, std::error_code> expiring(Seconds after,
                                                                     Seconds upto) const;

    tl::expected<void, std::error_code> audit(const AuditEntry& entry);
    // All of them in one transaction (one disk sync), or none.
    tl::expected<void, std::error_code> audit(const std::vector<AuditEntry>& entries);
    // Oldest first.
    tl::expected<std::vector<AuditEntry>, std::error_code> audit_since(Seconds since) const;

  private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    explicit Registry(std::unique_ptr<sqlite3, Closer> db) : db_(std::move(db)) {}
    std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace wmsgate::provisioning

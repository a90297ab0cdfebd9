#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "provisioning/peer.hpp"

struct sqlite3;

namespace wmsgate::provisioning {

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
    // groups are sorted and without duplicates, as list() and find() give them.
    tl::expected<Peer, std::error_code> add(const NewPeer& peer);
    // Peers ordered by name (byte order).
    tl::expected<std::vector<Peer>, std::error_code> list() const;
    // nullopt when no peer has that name (invalid names included).
    tl::expected<std::optional<Peer>, std::error_code> find(std::string_view name) const;
    // Errors: not_found.
    tl::expected<void, std::error_code> remove(std::string_view name);

  private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    explicit Registry(std::unique_ptr<sqlite3, Closer> db) : db_(std::move(db)) {}
    std::unique_ptr<sqlite3, Closer> db_;
};

// Peer names: 1..64 of [A-Za-z0-9._-], not starting with '-' or '.'.
bool is_valid_peer_name(std::string_view name);
// Group names follow the same rule, so they are safe in file names, in
// comma-separated CLI lists and in log lines.
bool is_valid_group_name(std::string_view name);

}  // namespace wmsgate::provisioning

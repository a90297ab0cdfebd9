#include "provisioning/schema.hpp"

#include <array>
#include <string>

#include "provisioning/errors.hpp"
#include "provisioning/sqlite.hpp"

namespace wmsgate::provisioning {
namespace {

// Migration i takes the database from user_version i to i + 1. Append only:
// a released migration is never edited, since databases in the field have
// already run it.
constexpr std::array migrations = {
    // 1: peers and their group memberships.
    R"sql(
-- One row per WireGuard client. Keys are base64 as `wg` prints them. The
-- preshared key is a secret: that is why the database file is mode 0600.
CREATE TABLE peers (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,  -- is_valid_peer_name()
    public_key    TEXT    NOT NULL UNIQUE,
    preshared_key TEXT    NULL,
    ipv4          TEXT    NOT NULL UNIQUE,  -- dotted quad; the peer's /32 and identity
    created       INTEGER NOT NULL          -- unix seconds
) STRICT;

-- Which groups a peer belongs to; groups themselves (and their layers) live
-- in the config, so a name here need not match any configured group.
CREATE TABLE peer_groups (
    peer_id    INTEGER NOT NULL REFERENCES peers (id) ON DELETE CASCADE,
    group_name TEXT    NOT NULL,
    PRIMARY KEY (peer_id, group_name)
) STRICT, WITHOUT ROWID;
)sql",
    // 2: IPv6, direct grants, expiry, disable, revocation, key origin, audit.
    R"sql(
-- NULL where no IPv6 prefix is configured. ALTER TABLE cannot add a UNIQUE
-- column, hence the index.
ALTER TABLE peers ADD COLUMN ipv6 TEXT NULL;
CREATE UNIQUE INDEX peers_ipv6 ON peers (ipv6);
-- Unix seconds; NULL: never. An expired peer stays, its addresses with it,
-- so they are never handed to anyone else.
ALTER TABLE peers ADD COLUMN expires INTEGER NULL;
ALTER TABLE peers ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
-- Unix seconds; NULL: not revoked. Revoked peers are kept for the same reason.
ALTER TABLE peers ADD COLUMN revoked INTEGER NULL;
-- 'client' (only the public key was given) or 'appliance' (made here, shown
-- once, never stored); NULL for peers added before this was recorded.
ALTER TABLE peers ADD COLUMN key_origin TEXT NULL CHECK (key_origin IN ('client', 'appliance'));
-- The expiry timer looks for the next expiry among peers still in service.
CREATE INDEX peers_expires ON peers (expires) WHERE revoked IS NULL AND disabled = 0;

-- Layers granted to a peer directly, besides its groups' layers. Layers live
-- in the config, like groups.
CREATE TABLE peer_layers (
    peer_id    INTEGER NOT NULL REFERENCES peers (id) ON DELETE CASCADE,
    layer_name TEXT    NOT NULL,
    PRIMARY KEY (peer_id, layer_name)
) STRICT, WITHOUT ROWID;

-- Every admin action, refused ones included, and every expiry. Append only;
-- `peer` is a name, not a reference, so entries outlive a removed peer.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    time       INTEGER NOT NULL,  -- unix seconds
    caller_uid INTEGER NOT NULL,  -- -1: the daemon itself
    action     TEXT    NOT NULL,
    peer       TEXT    NULL,
    details    TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_time ON audit (time);
)sql",
};

tl::expected<int, std::error_code> user_version(sqlite3* db) {
    auto stmt = sqlite::Statement::prepare(db, "PRAGMA user_version");
    if (!stmt) return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return tl::unexpected(make_error_code(Errc::database_failed));
    return static_cast<int>(stmt->int64(0));
}

}  // namespace

int latest_schema_version() noexcept {
    return static_cast<int>(migrations.size());
}

tl::expected<void, std::error_code> migrate(sqlite3* db) {
    // The version is read inside the write transaction, so two processes
    // opening a new database at once cannot both apply the same migration.
    for (;;) {
        auto tx = sqlite::Transaction::begin(db, sqlite::Transaction::Mode::write);
        if (!tx) return tl::unexpected(tx.error());
        const auto version = user_version(db);
        if (!version) return tl::unexpected(version.error());
        if (*version > latest_schema_version())
            return tl::unexpected(make_error_code(Errc::schema_too_new));
        if (*version < 0) return tl::unexpected(make_error_code(Errc::database_corrupt));
        if (*version == latest_schema_version()) return tx->commit();

        if (auto done = sqlite::exec(db, migrations[static_cast<std::size_t>(*version)]); !done)
            return done;
        // PRAGMA takes no bound parameters; the number is the program's own.
        const std::string set_version = "PRAGMA user_version = " + std::to_string(*version + 1);
        if (auto done = sqlite::exec(db, set_version.c_str()); !done) return done;
        if (auto done = tx->commit(); !done) return done;
    }
}

}  // namespace wmsgate::provisioning

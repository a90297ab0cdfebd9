#pragma once

// Shared by the registry's source files: how a peer row is read and the
// helpers every change uses. Private to provisioning/.

#include <sqlite3.h>

#include <set>
#include <string>
#include <vector>

#include "provisioning/peer.hpp"
#include "provisioning/sqlite.hpp"

namespace wmsgate::provisioning::rows {

// The columns peer_from_row() reads, in its order.
inline constexpr const char* select_peer =
    "SELECT id, name, public_key, preshared_key, ipv4, created, ipv6, expires, disabled, "
    "revoked, key_origin FROM peers ";

std::int64_t unix_seconds(Seconds t);
Seconds from_unix(std::int64_t seconds);

// The first column of every row a bound statement gives, as text.
tl::expected<std::vector<std::string>, std::error_code> first_column_texts(sqlite::Statement& stmt);

// A row of select_peer, without groups and layers. A row that does not
// parse was not written by us: database_corrupt.
tl::expected<Peer, std::error_code> peer_from_row(const sqlite::Statement& row);

// The peer of that name with its groups and layers, read inside the caller's
// transaction.
tl::expected<std::optional<Peer>, std::error_code> read_peer(sqlite3* db, std::string_view name);

// Which membership table: groups or direct layer grants.
enum class Grants { groups, layers };
// Replaces the peer's groups or layers by `names`.
tl::expected<void, std::error_code> write_grants(sqlite3* db, std::int64_t peer_id, Grants which,
                                                 const std::set<std::string>& names);

tl::expected<void, std::error_code> insert_audit(sqlite3* db, const AuditEntry& entry);

// Best effort: a base64 copy of a secret should not outlive its use.
void wipe(std::string& secret);

}  // namespace wmsgate::provisioning::rows

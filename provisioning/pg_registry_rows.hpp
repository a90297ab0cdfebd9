#pragma once

// Shared by the PostgreSQL registry's source files, as registry_rows.hpp is
// by SQLite's: how a peer row is read, and the statements every change uses.
// Each runs inside the caller's transaction.

#include <set>
#include <string>
#include <vector>

#include "provisioning/change_notice.hpp"
#include "provisioning/peer.hpp"
#include "provisioning/pg.hpp"

namespace wmsgate::provisioning::pg_rows {

// The columns peer_from_row() reads, in its order.
inline constexpr const char* select_peer =
    "SELECT id, name, public_key, preshared_key, ipv4, created, ipv6, expires, "
    "disabled::integer, revoked, key_origin FROM peers ";

// A row of select_peer, without groups and layers; database_corrupt when it
// does not parse.
tl::expected<Peer, std::error_code> peer_from_row(const pg::Result& result, int row);

tl::expected<std::optional<Peer>, std::error_code> read_peer(PGconn* conn, std::string_view name);

enum class Grants { groups, layers };
tl::expected<void, std::error_code> write_grants(PGconn* conn, std::int64_t peer_id, Grants which,
                                                 const std::set<std::string>& names);

tl::expected<void, std::error_code> insert_audit(PGconn* conn, const AuditEntry& entry);

// The change notice, delivered to every listening appliance at commit.
tl::expected<void, std::error_code> notify(PGconn* conn, const ChangeNotice& notice);

std::string seconds_text(Seconds t);

}  // namespace wmsgate::provisioning::pg_rows

#include "provisioning/registry_rows.hpp"

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning::rows {
namespace {

using sqlite::Statement;

tl::expected<std::vector<std::string>, std::error_code> names_of(sqlite3* db, const char* sql,
                                                                 std::int64_t peer_id) {
    auto stmt = Statement::prepare(db, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, peer_id);
    return first_column_texts(*stmt);
}

}  // namespace

tl::expected<std::vector<std::string>, std::error_code> first_column_texts(
    sqlite::Statement& stmt) {
    std::vector<std::string> texts;
    for (;;) {
        auto row = stmt.step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return texts;
        texts.emplace_back(stmt.text(0));
    }
}

std::int64_t unix_seconds(Seconds t) {
    return static_cast<std::int64_t>(t.time_since_epoch().count());
}

Seconds from_unix(std::int64_t seconds) {
    return Seconds(std::chrono::seconds(seconds));
}

void wipe(std::string& secret) {
    // Writing through a volatile pointer keeps the compiler from dropping it.
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
    secret.clear();
}

tl::expected<Peer, std::error_code> peer_from_row(const Statement& row) {
    const auto corrupt = tl::unexpected(make_error_code(Errc::database_corrupt));
    Peer peer;
    peer.id = row.int64(0);
    peer.name = std::string(row.text(1));

    auto public_key = netcfg::PublicKey::from_base64(row.text(2));
    if (!public_key) return corrupt;
    peer.public_key = *public_key;

    if (!row.is_null(3)) {
        auto psk = netcfg::SecretKey::from_base64(row.text(3));
        if (!psk) return corrupt;
        peer.preshared_key = std::move(*psk);
    }

    boost::system::error_code ec;
    peer.ipv4 = boost::asio::ip::make_address_v4(std::string(row.text(4)), ec);
    if (ec) return corrupt;
    peer.created = from_unix(row.int64(5));
    if (!row.is_null(6)) {
        peer.ipv6 = boost::asio::ip::make_address_v6(std::string(row.text(6)), ec);
        if (ec) return corrupt;
    }
    if (!row.is_null(7)) peer.expires = from_unix(row.int64(7));
    peer.disabled = row.int64(8) != 0;
    if (!row.is_null(9)) peer.revoked = from_unix(row.int64(9));
    if (row.text(10) == "client") peer.key_origin = KeyOrigin::client;
    if (row.text(10) == "appliance") peer.key_origin = KeyOrigin::appliance;
    return peer;
}

tl::expected<std::optional<Peer>, std::error_code> read_peer(sqlite3* db, std::string_view name) {
    auto stmt = Statement::prepare(db, std::string(select_peer) + "WHERE name = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, name);
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<Peer>();

    auto peer = peer_from_row(*stmt);
    if (!peer) return tl::unexpected(peer.error());
    auto groups = names_of(
        db, "SELECT group_name FROM peer_groups WHERE peer_id = ?1 ORDER BY group_name", peer->id);
    if (!groups) return tl::unexpected(groups.error());
    auto layers = names_of(
        db, "SELECT layer_name FROM peer_layers WHERE peer_id = ?1 ORDER BY layer_name", peer->id);
    if (!layers) return tl::unexpected(layers.error());
    peer->groups = std::move(*groups);
    peer->layers = std::move(*layers);
    return std::optional<Peer>(std::move(*peer));
}

tl::expected<void, std::error_code> write_grants(sqlite3* db, std::int64_t peer_id, Grants which,
                                                 const std::set<std::string>& names) {
    const bool groups = which == Grants::groups;
    auto clear = Statement::prepare(db, groups ? "DELETE FROM peer_groups WHERE peer_id = ?1"
                                               : "DELETE FROM peer_layers WHERE peer_id = ?1");
    if (!clear) return tl::unexpected(clear.error());
    clear->bind(1, peer_id);
    if (auto done = clear->run(); !done) return done;

    auto insert = Statement::prepare(
        db, groups ? "INSERT INTO peer_groups (peer_id, group_name) VALUES (?1, ?2)"
                   : "INSERT INTO peer_layers (peer_id, layer_name) VALUES (?1, ?2)");
    if (!insert) return tl::unexpected(insert.error());
    for (const auto& name : names) {
        insert->bind(1, peer_id).bind(2, name);
        if (auto done = insert->run(); !done) return done;
        insert->reset();
    }
    return {};
}

tl::expected<void, std::error_code> insert_audit(sqlite3* db, const AuditEntry& entry) {
    auto stmt = Statement::prepare(db,
                                   "INSERT INTO audit (time, caller_uid, action, peer, details) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, unix_seconds(entry.time)).bind(2, entry.caller_uid).bind(3, entry.action);
    if (entry.peer.empty()) {
        stmt->bind_null(4);
    } else {
        stmt->bind(4, entry.peer);
    }
    stmt->bind(5, entry.details);
    return stmt->run();
}

}  // namespace wmsgate::provisioning::rows

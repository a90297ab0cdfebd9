// Registry: adding, reading and removing peers.

#include "provisioning/registry.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "provisioning/errors.hpp"
#include "provisioning/sqlite.hpp"

namespace wmsgate::provisioning {
namespace {

using sqlite::Statement;
using sqlite::Transaction;
using Clock = std::chrono::system_clock;

constexpr const char* select_peer_columns =
    "SELECT id, name, public_key, preshared_key, ipv4, created FROM peers ";

// Best effort: the base64 copy of a preshared key should not outlive its use.
// Writing through a volatile pointer keeps the compiler from dropping it.
void wipe(std::string& secret) {
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
    secret.clear();
}

// A row of select_peer_columns, without its groups. A row that does not parse
// was not written by us: database_corrupt.
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

    peer.created = Clock::time_point(std::chrono::seconds(row.int64(5)));
    return peer;
}

tl::expected<std::vector<std::string>, std::error_code> groups_of(sqlite3* db,
                                                                  std::int64_t peer_id) {
    auto stmt = Statement::prepare(
        db, "SELECT group_name FROM peer_groups WHERE peer_id = ?1 ORDER BY group_name");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, peer_id);
    std::vector<std::string> groups;
    for (;;) {
        auto row = stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return groups;
        groups.emplace_back(stmt->text(0));
    }
}

tl::expected<bool, std::error_code> exists(sqlite3* db, const char* sql, std::string_view value) {
    auto stmt = Statement::prepare(db, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, value);
    return stmt->step();
}

// The UNIQUE constraints would refuse a duplicate too, but SQLite's error does
// not say which column clashed; checking first, inside the write transaction,
// does, and the constraints remain the last line of defence.
tl::expected<void, std::error_code> check_unique(sqlite3* db, const NewPeer& peer) {
    struct Check {
        const char* sql;
        std::string value;
        Errc taken;
    };
    const Check checks[] = {
        {"SELECT 1 FROM peers WHERE name = ?1", peer.name, Errc::name_taken},
        {"SELECT 1 FROM peers WHERE public_key = ?1", peer.public_key.base64(),
         Errc::public_key_taken},
        {"SELECT 1 FROM peers WHERE ipv4 = ?1", peer.ipv4.to_string(), Errc::address_taken},
    };
    for (const auto& check : checks) {
        auto found = exists(db, check.sql, check.value);
        if (!found) return tl::unexpected(found.error());
        if (*found) return tl::unexpected(make_error_code(check.taken));
    }
    return {};
}

tl::expected<std::int64_t, std::error_code> insert_peer(sqlite3* db, const NewPeer& peer,
                                                        Clock::time_point created) {
    auto stmt = Statement::prepare(db,
                                   "INSERT INTO peers (name, public_key, preshared_key, ipv4, "
                                   "created) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, peer.name).bind(2, peer.public_key.base64());
    if (peer.preshared_key) {
        std::string psk = peer.preshared_key->reveal_base64();
        stmt->bind(3, psk);  // SQLite keeps its own copy
        wipe(psk);
    } else {
        stmt->bind_null(3);
    }
    stmt->bind(4, peer.ipv4.to_string());
    stmt->bind(
        5,
        static_cast<std::int64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(created.time_since_epoch()).count()));
    if (auto done = stmt->run(); !done) return tl::unexpected(done.error());
    return sqlite3_last_insert_rowid(db);
}

tl::expected<void, std::error_code> insert_groups(sqlite3* db, std::int64_t peer_id,
                                                  const std::set<std::string>& groups) {
    auto stmt =
        Statement::prepare(db, "INSERT INTO peer_groups (peer_id, group_name) VALUES (?1, ?2)");
    if (!stmt) return tl::unexpected(stmt.error());
    for (const auto& group : groups) {
        stmt->bind(1, peer_id).bind(2, group);
        if (auto done = stmt->run(); !done) return done;
        stmt->reset();
    }
    return {};
}

}  // namespace

tl::expected<Peer, std::error_code> Registry::add(const NewPeer& peer) {
    if (!is_valid_peer_name(peer.name)) return tl::unexpected(make_error_code(Errc::invalid_name));
    if (!std::all_of(peer.groups.begin(), peer.groups.end(), is_valid_group_name))
        return tl::unexpected(make_error_code(Errc::invalid_group_name));
    const std::set<std::string> groups(peer.groups.begin(), peer.groups.end());
    // Whole seconds, so the returned peer equals what find() reads back.
    const auto created = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());

    auto tx = Transaction::begin(db_.get(), Transaction::Mode::write);
    if (!tx) return tl::unexpected(tx.error());
    if (auto ok = check_unique(db_.get(), peer); !ok) return tl::unexpected(ok.error());
    auto id = insert_peer(db_.get(), peer, created);
    if (!id) return tl::unexpected(id.error());
    if (auto done = insert_groups(db_.get(), *id, groups); !done)
        return tl::unexpected(done.error());
    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());

    return Peer{*id,
                peer.name,
                peer.public_key,
                peer.preshared_key,
                peer.ipv4,
                {groups.begin(), groups.end()},
                created};
}

tl::expected<std::vector<Peer>, std::error_code> Registry::list() const {
    // One read transaction, so peers and groups come from the same moment.
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::read);
    if (!tx) return tl::unexpected(tx.error());

    auto peers_stmt =
        Statement::prepare(db_.get(), std::string(select_peer_columns) + "ORDER BY name");
    if (!peers_stmt) return tl::unexpected(peers_stmt.error());
    std::vector<Peer> peers;
    std::unordered_map<std::int64_t, std::size_t> index_of_id;
    for (;;) {
        auto row = peers_stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        auto peer = peer_from_row(*peers_stmt);
        if (!peer) return tl::unexpected(peer.error());
        index_of_id.emplace(peer->id, peers.size());
        peers.push_back(std::move(*peer));
    }

    auto groups_stmt = Statement::prepare(
        db_.get(), "SELECT peer_id, group_name FROM peer_groups ORDER BY peer_id, group_name");
    if (!groups_stmt) return tl::unexpected(groups_stmt.error());
    for (;;) {
        auto row = groups_stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        const auto it = index_of_id.find(groups_stmt->int64(0));
        if (it == index_of_id.end()) return tl::unexpected(make_error_code(Errc::database_corrupt));
        peers[it->second].groups.emplace_back(groups_stmt->text(1));
    }

    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
    return peers;
}

tl::expected<std::optional<Peer>, std::error_code> Registry::find(std::string_view name) const {
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::read);
    if (!tx) return tl::unexpected(tx.error());

    auto stmt = Statement::prepare(db_.get(), std::string(select_peer_columns) + "WHERE name = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, name);
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<Peer>();

    auto peer = peer_from_row(*stmt);
    if (!peer) return tl::unexpected(peer.error());
    auto groups = groups_of(db_.get(), peer->id);
    if (!groups) return tl::unexpected(groups.error());
    peer->groups = std::move(*groups);

    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
    return std::optional<Peer>(std::move(*peer));
}

tl::expected<void, std::error_code> Registry::remove(std::string_view name) {
    // One statement is its own transaction; ON DELETE CASCADE takes the
    // peer's group memberships with it.
    auto stmt = Statement::prepare(db_.get(), "DELETE FROM peers WHERE name = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, name);
    if (auto done = stmt->run(); !done) return done;
    if (sqlite3_changes(db_.get()) == 0) return tl::unexpected(make_error_code(Errc::not_found));
    return {};
}

}  // namespace wmsgate::provisioning

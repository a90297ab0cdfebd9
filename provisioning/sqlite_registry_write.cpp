// SqliteRegistry: every change, each one transaction with its audit line.

#include <functional>

#include "provisioning/errors.hpp"
#include "provisioning/names.hpp"
#include "provisioning/registry_rows.hpp"
#include "provisioning/registry_write_rules.hpp"
#include "provisioning/sqlite_registry.hpp"

namespace wmsgate::provisioning {
namespace {

using sqlite::Statement;
using sqlite::Transaction;
using write_rules::audit_of;
using write_rules::checked_names;
using write_rules::now_seconds;
using write_rules::unique_values;

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
    for (const auto& unique : unique_values(peer)) {
        const std::string sql = std::string("SELECT 1 FROM peers WHERE ") + unique.column + " = ?1";
        auto found = exists(db, sql.c_str(), unique.value);
        if (!found) return tl::unexpected(found.error());
        if (*found) return tl::unexpected(make_error_code(unique.taken));
    }
    return {};
}

void bind_psk(Statement& stmt, int index, const std::optional<netcfg::SecretKey>& psk) {
    if (!psk) {
        stmt.bind_null(index);
        return;
    }
    std::string text = psk->reveal_base64();
    stmt.bind(index, text);  // SQLite keeps its own copy
    rows::wipe(text);
}

void bind_origin(Statement& stmt, int index, KeyOrigin origin) {
    if (origin == KeyOrigin::unknown) {
        stmt.bind_null(index);
    } else {
        stmt.bind(index, to_string(origin));
    }
}

void bind_optional_time(Statement& stmt, int index, const std::optional<Seconds>& t) {
    if (t) {
        stmt.bind(index, rows::unix_seconds(*t));
    } else {
        stmt.bind_null(index);
    }
}

tl::expected<std::int64_t, std::error_code> insert_peer(sqlite3* db, const NewPeer& peer,
                                                        Seconds created) {
    auto stmt = Statement::prepare(
        db,
        "INSERT INTO peers (name, public_key, preshared_key, ipv4, created, ipv6, expires, "
        "key_origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, peer.name).bind(2, peer.public_key.base64());
    bind_psk(*stmt, 3, peer.preshared_key);
    stmt->bind(4, peer.ipv4.to_string()).bind(5, rows::unix_seconds(created));
    if (peer.ipv6) {
        stmt->bind(6, peer.ipv6->to_string());
    } else {
        stmt->bind_null(6);
    }
    bind_optional_time(*stmt, 7, peer.expires);
    bind_origin(*stmt, 8, peer.key_origin);
    if (auto done = stmt->run(); !done) return tl::unexpected(done.error());
    return sqlite3_last_insert_rowid(db);
}

// The frame every change to an existing peer shares: a write transaction,
// the peer (not found / revoked refused), the change, its audit line, and the
// peer as stored afterwards.
using Mutation = std::function<tl::expected<void, std::error_code>(sqlite3*, const Peer&)>;

tl::expected<Peer, std::error_code> mutate(sqlite3* db, std::string_view name,
                                           const std::string& action, const Actor& actor,
                                           const Mutation& mutation) {
    auto tx = Transaction::begin(db, Transaction::Mode::write);
    if (!tx) return tl::unexpected(tx.error());
    auto before = rows::read_peer(db, name);
    if (!before) return tl::unexpected(before.error());
    if (!*before) return tl::unexpected(make_error_code(Errc::not_found));
    if ((*before)->revoked) return tl::unexpected(make_error_code(Errc::revoked));
    if (auto done = mutation(db, **before); !done) return tl::unexpected(done.error());
    if (auto done = rows::insert_audit(db, audit_of(actor, action, name)); !done)
        return tl::unexpected(done.error());
    auto after = rows::read_peer(db, name);
    if (!after) return tl::unexpected(after.error());
    if (!*after) return tl::unexpected(make_error_code(Errc::database_corrupt));
    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
    return std::move(**after);
}

// An UPDATE of one peer row by id; `bind` binds ?2 onwards.
tl::expected<void, std::error_code> update_row(sqlite3* db, const char* sql, std::int64_t id,
                                               const std::function<void(Statement&)>& bind) {
    auto stmt = Statement::prepare(db, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, id);
    bind(*stmt);
    return stmt->run();
}

}  // namespace

tl::expected<Peer, std::error_code> SqliteRegistry::add(const NewPeer& peer, const Actor& actor) {
    if (!is_valid_peer_name(peer.name)) return tl::unexpected(make_error_code(Errc::invalid_name));
    auto groups = checked_names(peer.groups, Errc::invalid_group_name);
    if (!groups) return tl::unexpected(groups.error());
    auto layers = checked_names(peer.layers, Errc::invalid_layer_name);
    if (!layers) return tl::unexpected(layers.error());
    const auto created = now_seconds();

    auto tx = Transaction::begin(db_.get(), Transaction::Mode::write);
    if (!tx) return tl::unexpected(tx.error());
    if (auto ok = check_unique(db_.get(), peer); !ok) return tl::unexpected(ok.error());
    auto id = insert_peer(db_.get(), peer, created);
    if (!id) return tl::unexpected(id.error());
    if (auto done = rows::write_grants(db_.get(), *id, rows::Grants::groups, *groups); !done)
        return tl::unexpected(done.error());
    if (auto done = rows::write_grants(db_.get(), *id, rows::Grants::layers, *layers); !done)
        return tl::unexpected(done.error());
    if (auto done = rows::insert_audit(db_.get(), audit_of(actor, "peer.add", peer.name)); !done)
        return tl::unexpected(done.error());
    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());

    Peer out;
    out.id = *id;
    out.name = peer.name;
    out.public_key = peer.public_key;
    out.preshared_key = peer.preshared_key;
    out.key_origin = peer.key_origin;
    out.ipv4 = peer.ipv4;
    out.ipv6 = peer.ipv6;
    out.groups = {groups->begin(), groups->end()};
    out.layers = {layers->begin(), layers->end()};
    out.created = created;
    out.expires = peer.expires;
    return out;
}

tl::expected<void, std::error_code> SqliteRegistry::remove(std::string_view name,
                                                           const Actor& actor) {
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::write);
    if (!tx) return tl::unexpected(tx.error());
    // ON DELETE CASCADE takes the peer's memberships with it.
    auto stmt = Statement::prepare(db_.get(), "DELETE FROM peers WHERE name = ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, name);
    if (auto done = stmt->run(); !done) return done;
    if (sqlite3_changes(db_.get()) == 0) return tl::unexpected(make_error_code(Errc::not_found));
    if (auto done = rows::insert_audit(db_.get(), audit_of(actor, "peer.remove", name)); !done)
        return done;
    return tx->commit();
}

tl::expected<Peer, std::error_code> SqliteRegistry::change(std::string_view name,
                                                           const PeerChange& change,
                                                           const Actor& actor) {
    std::optional<std::set<std::string>> groups, layers;
    if (change.groups) {
        auto checked = checked_names(*change.groups, Errc::invalid_group_name);
        if (!checked) return tl::unexpected(checked.error());
        groups = std::move(*checked);
    }
    if (change.layers) {
        auto checked = checked_names(*change.layers, Errc::invalid_layer_name);
        if (!checked) return tl::unexpected(checked.error());
        layers = std::move(*checked);
    }
    return mutate(
        db_.get(), name, "peer.set", actor,
        [&](sqlite3* db, const Peer& peer) -> tl::expected<void, std::error_code> {
            if (groups) {
                auto done = rows::write_grants(db, peer.id, rows::Grants::groups, *groups);
                if (!done) return done;
            }
            if (layers) {
                auto done = rows::write_grants(db, peer.id, rows::Grants::layers, *layers);
                if (!done) return done;
            }
            if (!change.expires) return {};
            return update_row(db, "UPDATE peers SET expires = ?2 WHERE id = ?1", peer.id,
                              [&](Statement& s) { bind_optional_time(s, 2, *change.expires); });
        });
}

tl::expected<Peer, std::error_code> SqliteRegistry::set_disabled(std::string_view name,
                                                                 bool disabled,
                                                                 const Actor& actor) {
    return mutate(db_.get(), name, disabled ? "peer.disable" : "peer.enable", actor,
                  [&](sqlite3* db, const Peer& peer) {
                      return update_row(db, "UPDATE peers SET disabled = ?2 WHERE id = ?1", peer.id,
                                        [&](Statement& s) { s.bind(2, std::int64_t{disabled}); });
                  });
}

tl::expected<Peer, std::error_code> SqliteRegistry::revoke(std::string_view name, Seconds when,
                                                           const Actor& actor) {
    return mutate(db_.get(), name, "peer.revoke", actor, [&](sqlite3* db, const Peer& peer) {
        return update_row(db, "UPDATE peers SET revoked = ?2 WHERE id = ?1", peer.id,
                          [&](Statement& s) { s.bind(2, rows::unix_seconds(when)); });
    });
}

tl::expected<Peer, std::error_code> SqliteRegistry::rotate_key(
    std::string_view name, const netcfg::PublicKey& public_key,
    std::optional<netcfg::SecretKey> preshared_key, KeyOrigin origin, const Actor& actor) {
    return mutate(db_.get(), name, "peer.rotate", actor,
                  [&](sqlite3* db, const Peer& peer) -> tl::expected<void, std::error_code> {
                      auto taken = exists(db, "SELECT 1 FROM peers WHERE public_key = ?1",
                                          public_key.base64());
                      if (!taken) return tl::unexpected(taken.error());
                      if (*taken) return tl::unexpected(make_error_code(Errc::public_key_taken));
                      return update_row(db,
                                        "UPDATE peers SET public_key = ?2, preshared_key = ?3, "
                                        "key_origin = ?4 WHERE id = ?1",
                                        peer.id, [&](Statement& s) {
                                            s.bind(2, public_key.base64());
                                            bind_psk(s, 3, preshared_key);
                                            bind_origin(s, 4, origin);
                                        });
                  });
}

}  // namespace wmsgate::provisioning

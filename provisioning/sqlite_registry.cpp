// SqliteRegistry: reading peers, addresses, expiries and the audit trail.

#include "provisioning/sqlite_registry.hpp"

#include <unordered_map>

#include "provisioning/errors.hpp"
#include "provisioning/names.hpp"
#include "provisioning/registry_rows.hpp"

namespace wmsgate::provisioning {
namespace {

using sqlite::Statement;
using sqlite::Transaction;

// Appends each (peer_id, name) row to that peer's list.
tl::expected<void, std::error_code> attach_names(
    sqlite3* db, const char* sql, std::vector<Peer>& peers,
    const std::unordered_map<std::int64_t, std::size_t>& index_of_id,
    std::vector<std::string> Peer::*member) {
    auto stmt = Statement::prepare(db, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    for (;;) {
        auto row = stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return {};
        const auto it = index_of_id.find(stmt->int64(0));
        if (it == index_of_id.end()) return tl::unexpected(make_error_code(Errc::database_corrupt));
        (peers[it->second].*member).emplace_back(stmt->text(1));
    }
}

}  // namespace

tl::expected<std::vector<Peer>, std::error_code> SqliteRegistry::list() const {
    // One read transaction, so peers and memberships come from one moment.
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::read);
    if (!tx) return tl::unexpected(tx.error());

    auto stmt = Statement::prepare(db_.get(), std::string(rows::select_peer) + "ORDER BY name");
    if (!stmt) return tl::unexpected(stmt.error());
    std::vector<Peer> peers;
    std::unordered_map<std::int64_t, std::size_t> index_of_id;
    for (;;) {
        auto row = stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) break;
        auto peer = rows::peer_from_row(*stmt);
        if (!peer) return tl::unexpected(peer.error());
        index_of_id.emplace(peer->id, peers.size());
        peers.push_back(std::move(*peer));
    }
    if (auto done = attach_names(
            db_.get(), "SELECT peer_id, group_name FROM peer_groups ORDER BY peer_id, group_name",
            peers, index_of_id, &Peer::groups);
        !done)
        return tl::unexpected(done.error());
    if (auto done = attach_names(
            db_.get(), "SELECT peer_id, layer_name FROM peer_layers ORDER BY peer_id, layer_name",
            peers, index_of_id, &Peer::layers);
        !done)
        return tl::unexpected(done.error());

    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
    return peers;
}

tl::expected<std::optional<Peer>, std::error_code> SqliteRegistry::find(
    std::string_view name) const {
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::read);
    if (!tx) return tl::unexpected(tx.error());
    auto peer = rows::read_peer(db_.get(), name);
    if (!peer) return peer;
    if (auto done = tx->commit(); !done) return tl::unexpected(done.error());
    return peer;
}

tl::expected<std::vector<boost::asio::ip::address>, std::error_code>
SqliteRegistry::taken_addresses() const {
    auto stmt = Statement::prepare(db_.get(), "SELECT ipv4, ipv6 FROM peers");
    if (!stmt) return tl::unexpected(stmt.error());
    std::vector<boost::asio::ip::address> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return out;
        for (int column = 0; column < 2; ++column) {
            if (stmt->is_null(column)) continue;
            boost::system::error_code ec;
            auto address = boost::asio::ip::make_address(std::string(stmt->text(column)), ec);
            if (ec) return tl::unexpected(make_error_code(Errc::database_corrupt));
            out.push_back(address);
        }
    }
}

tl::expected<std::optional<Seconds>, std::error_code> SqliteRegistry::next_expiry(
    Seconds after) const {
    auto stmt = Statement::prepare(db_.get(),
                                   "SELECT MIN(expires) FROM peers "
                                   "WHERE revoked IS NULL AND disabled = 0 AND expires > ?1");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, rows::unix_seconds(after));
    auto row = stmt->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row || stmt->is_null(0)) return std::optional<Seconds>();
    return std::optional<Seconds>(rows::from_unix(stmt->int64(0)));
}

tl::expected<std::vector<std::string>, std::error_code> SqliteRegistry::expiring(
    Seconds after, Seconds upto) const {
    auto stmt = Statement::prepare(db_.get(),
                                   "SELECT name FROM peers WHERE revoked IS NULL AND disabled = 0 "
                                   "AND expires > ?1 AND expires <= ?2 ORDER BY expires, name");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, rows::unix_seconds(after)).bind(2, rows::unix_seconds(upto));
    return rows::first_column_texts(*stmt);
}

tl::expected<void, std::error_code> SqliteRegistry::audit(const std::vector<AuditEntry>& entries) {
    auto tx = Transaction::begin(db_.get(), Transaction::Mode::write);
    if (!tx) return tl::unexpected(tx.error());
    for (const auto& entry : entries)
        if (auto done = rows::insert_audit(db_.get(), entry); !done) return done;
    return tx->commit();
}

tl::expected<std::vector<AuditEntry>, std::error_code> SqliteRegistry::audit_since(
    Seconds since) const {
    auto stmt = Statement::prepare(db_.get(),
                                   "SELECT time, caller_uid, action, peer, details FROM audit "
                                   "WHERE time >= ?1 ORDER BY id");
    if (!stmt) return tl::unexpected(stmt.error());
    stmt->bind(1, rows::unix_seconds(since));
    std::vector<AuditEntry> out;
    for (;;) {
        auto row = stmt->step();
        if (!row) return tl::unexpected(row.error());
        if (!*row) return out;
        out.push_back({rows::from_unix(stmt->int64(0)), stmt->int64(1), std::string(stmt->text(2)),
                       std::string(stmt->text(3)), std::string(stmt->text(4))});
    }
}

}  // namespace wmsgate::provisioning

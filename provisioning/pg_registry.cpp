// PgRegistry: connecting, the transaction frame, and reading.

#include "provisioning/pg_registry.hpp"

#include <sodium.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "provisioning/errors.hpp"
#include "provisioning/pg_registry_rows.hpp"
#include "provisioning/pg_schema.hpp"
#include "provisioning/registry_rows.hpp"

namespace wmsgate::provisioning {
namespace {

// Serialization failures come from appliances adding or changing peers at
// the same moment; a handful of retries with a growing pause settles them.
constexpr int max_attempts = 8;

std::string random_origin() {
    unsigned char bytes[8];
    randombytes_buf(bytes, sizeof bytes);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 0xf];
    }
    return out;
}

tl::expected<void, std::error_code> attach_names(
    PGconn* conn, const char* sql, std::vector<Peer>& peers,
    const std::unordered_map<std::int64_t, std::size_t>& index_of_id,
    std::vector<std::string> Peer::*member) {
    auto result = pg::exec(conn, sql);
    if (!result) return tl::unexpected(result.error());
    for (int row = 0; row < result->rows(); ++row) {
        const auto id = result->int64(row, 0);
        const auto it = id ? index_of_id.find(*id) : index_of_id.end();
        if (it == index_of_id.end()) return tl::unexpected(make_error_code(Errc::database_corrupt));
        (peers[it->second].*member).emplace_back(result->text(row, 1));
    }
    return {};
}

}  // namespace

PgRegistry::PgRegistry(std::string dsn, pg::ConnectionPtr conn)
    : dsn_(std::move(dsn)), origin_(random_origin()), conn_(std::move(conn)) {}

tl::expected<std::unique_ptr<PgRegistry>, RegistryOpenError> PgRegistry::open(
    const std::string& dsn) {
    auto conn = pg::connect(dsn);
    if (!conn) {
        return tl::unexpected(
            RegistryOpenError{make_error_code(Errc::database_unreachable), conn.error()});
    }
    if (auto done = migrate_pg(conn->get()); !done)
        return tl::unexpected(RegistryOpenError{done.error(), pg::last_message(conn->get())});
    return std::unique_ptr<PgRegistry>(new PgRegistry(dsn, std::move(*conn)));
}

tl::expected<PGconn*, std::error_code> PgRegistry::connection() const {
    if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return conn_.get();
    conn_.reset();
    auto conn = pg::connect(dsn_);
    if (!conn) return tl::unexpected(make_error_code(Errc::database_unreachable));
    conn_ = std::move(*conn);
    return conn_.get();
}

tl::expected<void, std::error_code> PgRegistry::transact(Access access, const Body& body) const {
    const char* begin = access == Access::write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                                : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    bool reconnected = false;
    for (int attempt = 1;; ++attempt) {
        auto conn = connection();
        if (!conn) return tl::unexpected(conn.error());
        if (auto begun = pg::exec(*conn, begin); !begun) {
            // Nothing was sent yet that could have changed anything.
            if (begun.error() == Errc::database_unreachable && !reconnected) {
                reconnected = true;
                conn_.reset();
                continue;
            }
            return tl::unexpected(begun.error());
        }
        auto done = body(*conn);
        if (done) {
            auto committed = pg::exec(*conn, "COMMIT");
            if (committed) return {};
            done = tl::unexpected(committed.error());  // the transaction is over either way
        } else {
            (void)pg::exec(*conn, "ROLLBACK");
        }
        if (done.error() != Errc::database_busy || attempt == max_attempts) return done;
        std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
    }
}

tl::expected<std::vector<Peer>, std::error_code> PgRegistry::list() const {
    std::vector<Peer> peers;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        peers.clear();
        auto result = pg::exec(
            conn, (std::string(pg_rows::select_peer) + "ORDER BY name COLLATE \"C\"").c_str());
        if (!result) return tl::unexpected(result.error());
        std::unordered_map<std::int64_t, std::size_t> index_of_id;
        for (int row = 0; row < result->rows(); ++row) {
            auto peer = pg_rows::peer_from_row(*result, row);
            if (!peer) return tl::unexpected(peer.error());
            index_of_id.emplace(peer->id, peers.size());
            peers.push_back(std::move(*peer));
        }
        if (auto ok = attach_names(conn,
                                   "SELECT peer_id, group_name FROM peer_groups "
                                   "ORDER BY peer_id, group_name COLLATE \"C\"",
                                   peers, index_of_id, &Peer::groups);
            !ok)
            return ok;
        return attach_names(conn,
                            "SELECT peer_id, layer_name FROM peer_layers "
                            "ORDER BY peer_id, layer_name COLLATE \"C\"",
                            peers, index_of_id, &Peer::layers);
    });
    if (!done) return tl::unexpected(done.error());
    return peers;
}

tl::expected<std::optional<Peer>, std::error_code> PgRegistry::find(std::string_view name) const {
    std::optional<Peer> found;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        auto peer = pg_rows::read_peer(conn, name);
        if (!peer) return tl::unexpected(peer.error());
        found = std::move(*peer);
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return found;
}

tl::expected<std::vector<boost::asio::ip::address>, std::error_code> PgRegistry::taken_addresses()
    const {
    std::vector<boost::asio::ip::address> out;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        out.clear();
        auto result = pg::exec(conn, "SELECT ipv4, ipv6 FROM peers");
        if (!result) return tl::unexpected(result.error());
        for (int row = 0; row < result->rows(); ++row) {
            for (int column = 0; column < 2; ++column) {
                if (result->is_null(row, column)) continue;
                boost::system::error_code ec;
                auto address =
                    boost::asio::ip::make_address(std::string(result->text(row, column)), ec);
                if (ec) return tl::unexpected(make_error_code(Errc::database_corrupt));
                out.push_back(address);
            }
        }
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return out;
}

tl::expected<std::optional<Seconds>, std::error_code> PgRegistry::next_expiry(Seconds after) const {
    std::optional<Seconds> next;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        auto result = pg::exec(conn,
                               "SELECT MIN(expires) FROM peers "
                               "WHERE revoked IS NULL AND NOT disabled AND expires > $1",
                               {pg_rows::seconds_text(after)});
        if (!result) return tl::unexpected(result.error());
        next.reset();
        if (result->rows() == 0 || result->is_null(0, 0)) return {};
        const auto value = result->int64(0, 0);
        if (!value) return tl::unexpected(make_error_code(Errc::database_corrupt));
        next = rows::from_unix(*value);
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return next;
}

tl::expected<std::vector<std::string>, std::error_code> PgRegistry::expiring(Seconds after,
                                                                             Seconds upto) const {
    std::vector<std::string> names;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        auto result = pg::exec(conn,
                               "SELECT name FROM peers WHERE revoked IS NULL AND NOT disabled "
                               "AND expires > $1 AND expires <= $2 "
                               "ORDER BY expires, name COLLATE \"C\"",
                               {pg_rows::seconds_text(after), pg_rows::seconds_text(upto)});
        if (!result) return tl::unexpected(result.error());
        names.clear();
        for (int row = 0; row < result->rows(); ++row) names.emplace_back(result->text(row, 0));
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return names;
}

tl::expected<void, std::error_code> PgRegistry::audit(const std::vector<AuditEntry>& entries) {
    return transact(Access::write, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        for (const auto& entry : entries)
            if (auto done = pg_rows::insert_audit(conn, entry); !done) return done;
        return {};
    });
}

tl::expected<std::vector<AuditEntry>, std::error_code> PgRegistry::audit_since(
    Seconds since) const {
    std::vector<AuditEntry> out;
    auto done = transact(Access::read, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        auto result = pg::exec(conn,
                               "SELECT time, caller_uid, action, COALESCE(peer, ''), details "
                               "FROM audit WHERE time >= $1 ORDER BY id",
                               {pg_rows::seconds_text(since)});
        if (!result) return tl::unexpected(result.error());
        out.clear();
        for (int row = 0; row < result->rows(); ++row) {
            const auto time = result->int64(row, 0);
            const auto uid = result->int64(row, 1);
            if (!time || !uid) return tl::unexpected(make_error_code(Errc::database_corrupt));
            out.push_back({rows::from_unix(*time), *uid, std::string(result->text(row, 2)),
                           std::string(result->text(row, 3)), std::string(result->text(row, 4))});
        }
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    return out;
}

tl::expected<netcfg::PublicKey, std::error_code> PgRegistry::claim_server_key(
    const netcfg::PublicKey& ours) {
    std::string recorded;
    auto done = transact(Access::write, [&](PGconn* conn) -> tl::expected<void, std::error_code> {
        auto inserted = pg::exec(conn,
                                 "INSERT INTO fleet (server_public_key) VALUES ($1) "
                                 "ON CONFLICT DO NOTHING",
                                 {ours.base64()});
        if (!inserted) return tl::unexpected(inserted.error());
        auto result = pg::exec(conn, "SELECT server_public_key FROM fleet");
        if (!result) return tl::unexpected(result.error());
        if (result->rows() != 1) return tl::unexpected(make_error_code(Errc::database_corrupt));
        recorded = std::string(result->text(0, 0));
        return {};
    });
    if (!done) return tl::unexpected(done.error());
    auto key = netcfg::PublicKey::from_base64(recorded);
    if (!key) return tl::unexpected(make_error_code(Errc::database_corrupt));
    return *key;
}

}  // namespace wmsgate::provisioning

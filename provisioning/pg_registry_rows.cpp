#include "provisioning/pg_registry_rows.hpp"

#include "provisioning/errors.hpp"
#include "provisioning/registry_rows.hpp"

namespace wmsgate::provisioning::pg_rows {
namespace {

tl::expected<std::vector<std::string>, std::error_code> names_of(PGconn* conn, const char* sql,
                                                                 std::int64_t peer_id) {
    auto result = pg::exec(conn, sql, {std::to_string(peer_id)});
    if (!result) return tl::unexpected(result.error());
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(result->rows()));
    for (int row = 0; row < result->rows(); ++row) names.emplace_back(result->text(row, 0));
    return names;
}

}  // namespace

std::string seconds_text(Seconds t) {
    return std::to_string(t.time_since_epoch().count());
}

tl::expected<Peer, std::error_code> peer_from_row(const pg::Result& r, int row) {
    const auto corrupt = tl::unexpected(make_error_code(Errc::database_corrupt));
    Peer peer;
    const auto id = r.int64(row, 0);
    const auto created = r.int64(row, 5);
    const auto disabled = r.int64(row, 8);
    if (!id || !created || !disabled) return corrupt;
    peer.id = *id;
    peer.name = std::string(r.text(row, 1));
    auto public_key = netcfg::PublicKey::from_base64(r.text(row, 2));
    if (!public_key) return corrupt;
    peer.public_key = *public_key;
    if (!r.is_null(row, 3)) {
        auto psk = netcfg::SecretKey::from_base64(r.text(row, 3));
        if (!psk) return corrupt;
        peer.preshared_key = std::move(*psk);
    }
    boost::system::error_code ec;
    peer.ipv4 = boost::asio::ip::make_address_v4(std::string(r.text(row, 4)), ec);
    if (ec) return corrupt;
    peer.created = rows::from_unix(*created);
    if (!r.is_null(row, 6)) {
        peer.ipv6 = boost::asio::ip::make_address_v6(std::string(r.text(row, 6)), ec);
        if (ec) return corrupt;
    }
    if (!r.is_null(row, 7)) {
        const auto expires = r.int64(row, 7);
        if (!expires) return corrupt;
        peer.expires = rows::from_unix(*expires);
    }
    peer.disabled = *disabled != 0;
    if (!r.is_null(row, 9)) {
        const auto revoked = r.int64(row, 9);
        if (!revoked) return corrupt;
        peer.revoked = rows::from_unix(*revoked);
    }
    if (r.text(row, 10) == "client") peer.key_origin = KeyOrigin::client;
    if (r.text(row, 10) == "appliance") peer.key_origin = KeyOrigin::appliance;
    return peer;
}

tl::expected<std::optional<Peer>, std::error_code> read_peer(PGconn* conn, std::string_view name) {
    auto result =
        pg::exec(conn, (std::string(select_peer) + "WHERE name = $1").c_str(), {std::string(name)});
    if (!result) return tl::unexpected(result.error());
    if (result->rows() == 0) return std::optional<Peer>();
    auto peer = peer_from_row(*result, 0);
    if (!peer) return tl::unexpected(peer.error());
    auto groups = names_of(conn,
                           "SELECT group_name FROM peer_groups WHERE peer_id = $1 "
                           "ORDER BY group_name COLLATE \"C\"",
                           peer->id);
    if (!groups) return tl::unexpected(groups.error());
    auto layers = names_of(conn,
                           "SELECT layer_name FROM peer_layers WHERE peer_id = $1 "
                           "ORDER BY layer_name COLLATE \"C\"",
                           peer->id);
    if (!layers) return tl::unexpected(layers.error());
    peer->groups = std::move(*groups);
    peer->layers = std::move(*layers);
    return std::optional<Peer>(std::move(*peer));
}

tl::expected<void, std::error_code> write_grants(PGconn* conn, std::int64_t peer_id, Grants which,
                                                 const std::set<std::string>& names) {
    const bool groups = which == Grants::groups;
    const auto id = std::to_string(peer_id);
    auto cleared = pg::exec(conn,
                            groups ? "DELETE FROM peer_groups WHERE peer_id = $1"
                                   : "DELETE FROM peer_layers WHERE peer_id = $1",
                            {id});
    if (!cleared) return tl::unexpected(cleared.error());
    for (const auto& name : names) {
        auto inserted =
            pg::exec(conn,
                     groups ? "INSERT INTO peer_groups (peer_id, group_name) VALUES ($1, $2)"
                            : "INSERT INTO peer_layers (peer_id, layer_name) VALUES ($1, $2)",
                     {id, name});
        if (!inserted) return tl::unexpected(inserted.error());
    }
    return {};
}

tl::expected<void, std::error_code> insert_audit(PGconn* conn, const AuditEntry& entry) {
    pg::Param peer;
    if (!entry.peer.empty()) peer = entry.peer;
    auto inserted = pg::exec(conn,
                             "INSERT INTO audit (time, caller_uid, action, peer, details) "
                             "VALUES ($1, $2, $3, $4, $5)",
                             {seconds_text(entry.time), std::to_string(entry.caller_uid),
                              entry.action, peer, entry.details});
    if (!inserted) return tl::unexpected(inserted.error());
    return {};
}

tl::expected<void, std::error_code> notify(PGconn* conn, const ChangeNotice& notice) {
    auto sent = pg::exec(conn, "SELECT pg_notify($1, $2)",
                         {std::string(change_channel), change_payload(notice)});
    if (!sent) return tl::unexpected(sent.error());
    return {};
}

}  // namespace wmsgate::provisioning::pg_rows

// PgRegistry: every change, each one transaction with its audit line and
// its change notice to the fleet.

#include "provisioning/errors.hpp"
#include "provisioning/names.hpp"
#include "provisioning/pg_registry.hpp"
#include "provisioning/pg_registry_rows.hpp"
#include "provisioning/registry_rows.hpp"
#include "provisioning/registry_write_rules.hpp"

namespace wmsgate::provisioning {
namespace {

using Done = tl::expected<void, std::error_code>;
using write_rules::audit_of;
using write_rules::checked_names;
using write_rules::now_seconds;
using write_rules::unique_values;

// A secret in a parameter: the copy is wiped once libpq has sent it.
struct SecretParam {
    pg::Param text;
    explicit SecretParam(const std::optional<netcfg::SecretKey>& key) {
        if (key) text = key->reveal_base64();
    }
    ~SecretParam() {
        if (text) rows::wipe(*text);
    }
    SecretParam(const SecretParam&) = delete;
    SecretParam& operator=(const SecretParam&) = delete;
};

pg::Param origin_param(KeyOrigin origin) {
    if (origin == KeyOrigin::unknown) return std::nullopt;
    return std::string(to_string(origin));
}

pg::Param time_param(const std::optional<Seconds>& t) {
    if (!t) return std::nullopt;
    return pg_rows::seconds_text(*t);
}

// Checked first, as in SQLite, for a precise error; the UNIQUE constraints
// still decide between two appliances inserting at the same moment.
Done check_unique(PGconn* conn, const NewPeer& peer) {
    for (const auto& unique : unique_values(peer)) {
        const std::string sql = std::string("SELECT 1 FROM peers WHERE ") + unique.column + " = $1";
        auto found = pg::exec(conn, sql.c_str(), {unique.value});
        if (!found) return tl::unexpected(found.error());
        if (found->rows() > 0) return tl::unexpected(make_error_code(unique.taken));
    }
    return {};
}

}  // namespace

tl::expected<Peer, std::error_code> PgRegistry::add(const NewPeer& peer, const Actor& actor) {
    if (!is_valid_peer_name(peer.name)) return tl::unexpected(make_error_code(Errc::invalid_name));
    auto groups = checked_names(peer.groups, Errc::invalid_group_name);
    if (!groups) return tl::unexpected(groups.error());
    auto layers = checked_names(peer.layers, Errc::invalid_layer_name);
    if (!layers) return tl::unexpected(layers.error());
    const auto created = now_seconds();

    std::int64_t id = 0;
    auto done = transact(Access::write, [&](PGconn* conn) -> Done {
        if (auto ok = check_unique(conn, peer); !ok) return ok;
        const SecretParam psk(peer.preshared_key);
        pg::Param ipv6;
        if (peer.ipv6) ipv6 = peer.ipv6->to_string();
        auto inserted = pg::exec(
            conn,
            "INSERT INTO peers (name, public_key, preshared_key, ipv4, created, ipv6, expires, "
            "key_origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            {peer.name, peer.public_key.base64(), psk.text, peer.ipv4.to_string(),
             pg_rows::seconds_text(created), ipv6, time_param(peer.expires),
             origin_param(peer.key_origin)});
        if (!inserted) return tl::unexpected(inserted.error());
        const auto new_id = inserted->int64(0, 0);
        if (!new_id) return tl::unexpected(make_error_code(Errc::database_corrupt));
        id = *new_id;
        if (auto ok = pg_rows::write_grants(conn, id, pg_rows::Grants::groups, *groups); !ok)
            return ok;
        if (auto ok = pg_rows::write_grants(conn, id, pg_rows::Grants::layers, *layers); !ok)
            return ok;
        if (auto ok = pg_rows::insert_audit(conn, audit_of(actor, "peer.add", peer.name)); !ok)
            return ok;
        return pg_rows::notify(conn, {origin_, peer.name, std::nullopt});
    });
    if (!done) return tl::unexpected(done.error());

    Peer out;
    out.id = id;
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

tl::expected<void, std::error_code> PgRegistry::remove(std::string_view name, const Actor& actor) {
    return transact(Access::write, [&](PGconn* conn) -> Done {
        // ON DELETE CASCADE takes the memberships; the key goes in the
        // notice, since the other appliances can no longer read it.
        auto deleted = pg::exec(conn, "DELETE FROM peers WHERE name = $1 RETURNING public_key",
                                {std::string(name)});
        if (!deleted) return tl::unexpected(deleted.error());
        if (deleted->rows() == 0) return tl::unexpected(make_error_code(Errc::not_found));
        auto key = netcfg::PublicKey::from_base64(deleted->text(0, 0));
        if (!key) return tl::unexpected(make_error_code(Errc::database_corrupt));
        if (auto ok = pg_rows::insert_audit(conn, audit_of(actor, "peer.remove", name)); !ok)
            return ok;
        return pg_rows::notify(conn, {origin_, std::string(name), *key});
    });
}

tl::expected<Peer, std::error_code> PgRegistry::mutate(
    std::string_view name, const std::string& action, const Actor& actor, const Mutation& mutation,
    const std::optional<netcfg::PublicKey>& old_key) {
    std::optional<Peer> after;
    auto done = transact(Access::write, [&](PGconn* conn) -> Done {
        auto before = pg_rows::read_peer(conn, name);
        if (!before) return tl::unexpected(before.error());
        if (!*before) return tl::unexpected(make_error_code(Errc::not_found));
        if ((*before)->revoked) return tl::unexpected(make_error_code(Errc::revoked));
        if (auto ok = mutation(conn, **before); !ok) return ok;
        if (auto ok = pg_rows::insert_audit(conn, audit_of(actor, action, name)); !ok) return ok;
        auto read = pg_rows::read_peer(conn, name);
        if (!read) return tl::unexpected(read.error());
        if (!*read) return tl::unexpected(make_error_code(Errc::database_corrupt));
        after = std::move(*read);
        return pg_rows::notify(conn, {origin_, std::string(name), old_key});
    });
    if (!done) return tl::unexpected(done.error());
    return std::move(*after);
}

tl::expected<Peer, std::error_code> PgRegistry::change(std::string_view name,
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
        name, "peer.set", actor,
        [&](PGconn* conn, const Peer& peer) -> Done {
            if (groups) {
                auto ok = pg_rows::write_grants(conn, peer.id, pg_rows::Grants::groups, *groups);
                if (!ok) return ok;
            }
            if (layers) {
                auto ok = pg_rows::write_grants(conn, peer.id, pg_rows::Grants::layers, *layers);
                if (!ok) return ok;
            }
            if (!change.expires) return {};
            auto updated = pg::exec(conn, "UPDATE peers SET expires = $2 WHERE id = $1",
                                    {std::to_string(peer.id), time_param(*change.expires)});
            if (!updated) return tl::unexpected(updated.error());
            return {};
        },
        std::nullopt);
}

tl::expected<Peer, std::error_code> PgRegistry::set_disabled(std::string_view name, bool disabled,
                                                             const Actor& actor) {
    return mutate(
        name, disabled ? "peer.disable" : "peer.enable", actor,
        [&](PGconn* conn, const Peer& peer) -> Done {
            auto updated = pg::exec(conn, "UPDATE peers SET disabled = $2 WHERE id = $1",
                                    {std::to_string(peer.id), disabled ? "true" : "false"});
            if (!updated) return tl::unexpected(updated.error());
            return {};
        },
        std::nullopt);
}

tl::expected<Peer, std::error_code> PgRegistry::revoke(std::string_view name, Seconds when,
                                                       const Actor& actor) {
    return mutate(
        name, "peer.revoke", actor,
        [&](PGconn* conn, const Peer& peer) -> Done {
            auto updated = pg::exec(conn, "UPDATE peers SET revoked = $2 WHERE id = $1",
                                    {std::to_string(peer.id), pg_rows::seconds_text(when)});
            if (!updated) return tl::unexpected(updated.error());
            return {};
        },
        std::nullopt);
}

tl::expected<Peer, std::error_code> PgRegistry::rotate_key(
    std::string_view name, const netcfg::PublicKey& public_key,
    std::optional<netcfg::SecretKey> preshared_key, KeyOrigin origin, const Actor& actor) {
    // The old key goes in the notice: the other appliances must take it off
    // their devices, and cannot read it from the registry any more.
    auto before = find(name);
    if (!before) return tl::unexpected(before.error());
    if (!*before) return tl::unexpected(make_error_code(Errc::not_found));
    const auto old_key = (*before)->public_key;
    return mutate(
        name, "peer.rotate", actor,
        [&](PGconn* conn, const Peer& peer) -> Done {
            // Rotated meanwhile by another appliance: its notice names the
            // key it replaced; ours must name the key we replace.
            if (peer.public_key != old_key)
                return tl::unexpected(make_error_code(Errc::database_busy));
            auto taken =
                pg::exec(conn, "SELECT 1 FROM peers WHERE public_key = $1", {public_key.base64()});
            if (!taken) return tl::unexpected(taken.error());
            if (taken->rows() > 0) return tl::unexpected(make_error_code(Errc::public_key_taken));
            const SecretParam psk(preshared_key);
            auto updated = pg::exec(
                conn,
                "UPDATE peers SET public_key = $2, preshared_key = $3, "
                "key_origin = $4 WHERE id = $1",
                {std::to_string(peer.id), public_key.base64(), psk.text, origin_param(origin)});
            if (!updated) return tl::unexpected(updated.error());
            return {};
        },
        old_key);
}

}  // namespace wmsgate::provisioning

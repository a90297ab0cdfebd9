#include "provisioning/pg_change_feed.hpp"

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {

tl::expected<PgChangeFeed, std::string> PgChangeFeed::open(const std::string& dsn) {
    auto conn = pg::connect(dsn);
    if (!conn) return tl::unexpected(conn.error());
    // The channel is a constant of ours, an identifier: quoted, not bound.
    const std::string listen = std::string("LISTEN \"") + change_channel + "\"";
    if (auto done = pg::exec(conn->get(), listen.c_str()); !done)
        return tl::unexpected(pg::last_message(conn->get()));
    // take() must never block the event loop.
    if (PQsetnonblocking(conn->get(), 1) != 0) return tl::unexpected(pg::last_message(conn->get()));
    return PgChangeFeed(std::move(*conn));
}

tl::expected<std::vector<ChangeNotice>, std::error_code> PgChangeFeed::take(
    const std::string& own_origin) {
    const auto gone = tl::unexpected(make_error_code(Errc::database_unreachable));
    if (PQconsumeInput(conn_.get()) == 0 || PQstatus(conn_.get()) != CONNECTION_OK) return gone;
    std::vector<ChangeNotice> notices;
    while (PGnotify* raw = PQnotifies(conn_.get())) {
        const std::unique_ptr<PGnotify, decltype(&PQfreemem)> notify(raw, &PQfreemem);
        auto notice = parse_change_payload(notify->extra);
        if (notice && notice->origin != own_origin) notices.push_back(std::move(*notice));
    }
    // A server that went away closes the socket: it stays readable, and the
    // next PQconsumeInput sees the end.
    return notices;
}

}  // namespace wmsgate::provisioning

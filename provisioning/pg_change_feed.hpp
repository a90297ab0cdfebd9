#pragma once

// The other end of change_notice.hpp: one PostgreSQL connection that does
// nothing but LISTEN, so an appliance hears of every change another
// appliance commits. Its own connection, not the registry's: a notice that
// arrives while the registry runs a query would sit in that connection's
// buffer, unseen by anyone waiting on the socket. The feed never waits
// itself; the caller waits for socket() to become readable (the daemon on
// its event loop) and then calls take().

#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "provisioning/change_notice.hpp"
#include "provisioning/pg.hpp"

namespace wmsgate::provisioning {

class PgChangeFeed {
  public:
    // Connects and listens. The error is libpq's message.
    static tl::expected<PgChangeFeed, std::string> open(const std::string& dsn);

    // Readable when a notice (or the connection's end) arrived.
    int socket() const { return PQsocket(conn_.get()); }

    // The notices that arrived, in commit order, those of other origins
    // than `own_origin` only. Error database_unreachable once the
    // connection is gone: notices may have been missed from then on, so the
    // caller must read the whole registry again after reopening the feed.
    tl::expected<std::vector<ChangeNotice>, std::error_code> take(const std::string& own_origin);

  private:
    explicit PgChangeFeed(pg::ConnectionPtr conn) : conn_(std::move(conn)) {}
    pg::ConnectionPtr conn_;
};

}  // namespace wmsgate::provisioning

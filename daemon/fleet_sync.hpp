#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/log.hpp"
#include "daemon/registry_health.hpp"
#include "provisioning/pg_change_feed.hpp"

namespace wmsgate::daemon {

// Keeps an appliance of a fleet in step with the shared registry: hears
// the other appliances' changes (PgChangeFeed on the event loop) and hands
// them to `follow`; notices the database going away, and when it is back
// has the appliance read the whole registry again (`resync`), since
// notices sent meanwhile were lost. The feed is opened before the first
// resync, so no change falls between the two. Everything runs on the
// io_context's thread, like the registry it drives.
class FleetSync {
  public:
    // Follows notices; false when the registry could not be read (then a
    // resync follows once it can).
    using Follow = std::function<bool(const std::vector<provisioning::ChangeNotice>&)>;
    // Reads the whole registry and brings device and policy in line; false
    // when it could not be read.
    using Resync = std::function<bool()>;

    FleetSync(boost::asio::io_context& io, std::string dsn, std::string own_origin, Log& log,
              Follow follow, Resync resync);
    ~FleetSync();

    // Connects now (or keeps trying every retry interval).
    void start();
    void stop();

    RegistryHealth health() const { return health_; }

  private:
    void connect();
    // Follows what arrived, then waits for more.
    void take_notices();
    void lost(const std::string& why);
    void retry_later();
    void release_socket();

    boost::asio::io_context& io_;
    std::string dsn_;
    std::string own_origin_;
    Log& log_;
    Follow follow_;
    Resync resync_;
    std::optional<provisioning::PgChangeFeed> feed_;
    // The feed's socket belongs to libpq: released, never closed, by asio.
    boost::asio::posix::stream_descriptor socket_;
    boost::asio::steady_timer retry_;
    RegistryHealth health_;
    bool running_ = false;
    std::string last_failure_;  // logged once, not at every retry
};

}  // namespace wmsgate::daemon

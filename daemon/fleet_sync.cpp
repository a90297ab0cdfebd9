#include "daemon/fleet_sync.hpp"

namespace wmsgate::daemon {
namespace {

// Short, so that a revocation made while this appliance could not reach
// the database takes effect within a second of its return.
constexpr auto retry_interval = std::chrono::milliseconds(250);

}  // namespace

FleetSync::FleetSync(boost::asio::io_context& io, std::string dsn, std::string own_origin, Log& log,
                     Follow follow, Resync resync)
    : io_(io),
      dsn_(std::move(dsn)),
      own_origin_(std::move(own_origin)),
      log_(log),
      follow_(std::move(follow)),
      resync_(std::move(resync)),
      socket_(io),
      retry_(io) {
    health_.shared = true;
}

FleetSync::~FleetSync() {
    try {
        stop();
    } catch (...) {
        // Cancelling a timer or closing a socket fails only on a bug, and a
        // destructor has nobody left to tell; the members' teardown follows.
    }
}

void FleetSync::start() {
    running_ = true;
    connect();
}

void FleetSync::stop() {
    running_ = false;
    retry_.cancel();
    release_socket();
    feed_.reset();
}

void FleetSync::release_socket() {
    if (!socket_.is_open()) return;
    socket_.cancel();
    socket_.release();
}

void FleetSync::connect() {
    if (!running_) return;
    auto feed = provisioning::PgChangeFeed::open(dsn_);
    if (!feed) return lost(feed.error());
    feed_ = std::move(*feed);
    // Listening first, then reading: a change committed in between is both
    // read and heard, never neither.
    if (!resync_()) {
        feed_.reset();
        return lost("the registry could not be read");
    }
    ++health_.resyncs;
    if (!health_.reachable) {
        log_.info("peer registry reachable again; resynchronised, changes accepted", {});
    }
    health_.reachable = true;
    health_.since = std::chrono::system_clock::now();
    last_failure_.clear();
    socket_.assign(feed_->socket());
    // libpq may have read a notice into its buffer already (while LISTEN
    // was answered): the socket would not show it.
    take_notices();
}

void FleetSync::take_notices() {
    auto notices = feed_->take(own_origin_);
    if (!notices) return lost("the connection was closed");
    if (!notices->empty() && !follow_(*notices)) return lost("the registry could not be read");
    socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this](boost::system::error_code ec) {
                           if (!ec && running_ && feed_) take_notices();
                       });
}

void FleetSync::lost(const std::string& why) {
    release_socket();
    feed_.reset();
    if (health_.reachable) {
        health_.reachable = false;
        health_.since = std::chrono::system_clock::now();
        log_.warning(
            "peer registry unreachable; serving the last snapshot and refusing changes until "
            "it is back",
            {{"ERROR", why}});
    } else if (why != last_failure_) {
        log_.warning("peer registry still unreachable", {{"ERROR", why}});
    }
    last_failure_ = why;
    retry_later();
}

void FleetSync::retry_later() {
    if (!running_) return;
    retry_.expires_after(retry_interval);
    retry_.async_wait([this](boost::system::error_code ec) {
        if (!ec) connect();
    });
}

}  // namespace wmsgate::daemon

#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "wms/authorizer.hpp"
#include "wms/service_config.hpp"

namespace boost::asio {
class io_context;
}

namespace wmsgate::wms {

struct ServerOptions {
    boost::asio::ip::address bind_address;
    std::uint16_t port = 8080;
    // SO_BINDTODEVICE: without it Linux's weak host model accepts packets for
    // bind_address that arrive on any interface.
    std::string bind_device;
    unsigned render_threads = 2;
    std::chrono::seconds read_timeout{15};
    std::size_t max_request_bytes = 16 * 1024;
};

// One line per answered request, for the access log. A connection refused
// because its address names no client is logged with request "connect" and
// status 0.
struct AccessRecord {
    std::string remote;
    std::string client;   // empty when the address maps to no client
    std::string request;  // WMS REQUEST value or the path
    unsigned status = 0;
    std::size_t bytes = 0;
    std::chrono::milliseconds duration{0};  // from the request read to the answer ready
    // The layers the request was served for: only existing layers the client
    // may see, so a client cannot fill logs or metrics with names of its own.
    std::vector<std::string> layers;
    // Time spent making the answer on the render pool.
    std::chrono::microseconds render_time{0};
    // Set when the server itself failed (status 500): what failed, for the
    // log; the client got only a generic exception report.
    std::string failure;
};
using AccessLog = std::function<void(const AccessRecord&)>;

// A page served beside /wms, such as the daemon's /metrics.
struct Page {
    std::string content_type;
    std::string body;
};
// Decides per client whether it gets the page: calls `reply` exactly once,
// from any thread, with the page, or with nullopt to have the client answered
// exactly as for a path that does not exist.
using PageReply = std::function<void(std::optional<Page>)>;
using PageSource = std::function<void(const boost::asio::ip::address& client, PageReply reply)>;

// Why start() failed: the code says what, `subject` names the layer, dataset
// path or address involved.
struct StartError {
    std::error_code code;
    std::string subject;
};

class ServerImpl;

// The WMS HTTP server. Runs on the caller's io_context; rendering happens on
// its own bounded thread pool.
class Server {
  public:
    Server(boost::asio::io_context& io, ServerOptions options, ServiceConfig service,
           const Authorizer& authorizer, AccessLog access_log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Serves `path` (e.g. "/metrics") from `source`. Call before start().
    void add_page(std::string path, PageSource source);
    // Opens every layer's dataset (errors name the layer), binds and listens.
    tl::expected<void, StartError> start();
    // Replaces the layers and service settings while running: the new
    // layers' datasets are opened and checked first, and on any error the
    // running service is kept unchanged. Requests already being answered
    // finish with the old settings; connections stay open. Listening
    // options (address, port, threads) are not changed.
    tl::expected<void, StartError> reload(ServiceConfig service);
    // Graceful stop: stops accepting, closes idle connections, lets every
    // request being answered finish (its answer says Connection: close),
    // then stop()s. `done` runs on the io_context when the last connection
    // has closed, or once `bound` has passed, whichever comes first.
    void drain(std::chrono::milliseconds bound, std::function<void()> done);
    // Stops accepting and closes open connections. Renders already running
    // finish; queued ones are dropped. No request read after stop() reaches
    // the Authorizer or the AccessLog. Safe to call from any thread; the
    // sockets close on the io_context's threads.
    void stop();
    // Closes every connection from `client` (an IPv4 address also matches
    // its v4-mapped IPv6 form) and drops answers still being made for it:
    // the client gets no further byte. Call it after the Authorizer stopped
    // knowing the address, so that no new connection or request gets in.
    // `closed`, if given, runs on the io_context once every such connection
    // is closed. Safe to call from any thread.
    void disconnect(const boost::asio::ip::address& client, std::function<void()> closed = {});
    // The port listened on once start() succeeded (useful with port 0);
    // 0 before.
    std::uint16_t port() const;

  private:
    std::unique_ptr<ServerImpl> impl_;
};

}  // namespace wmsgate::wms

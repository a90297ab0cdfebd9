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
    // The addresses listened on, all on one port: the tunnel's IPv4 address
    // and, where the tunnel has one, its IPv6 address. With port 0 the first
    // address's listener picks the port and the others take the same one.
    std::vector<boost::asio::ip::address> bind_addresses;
    std::uint16_t port = 8080;
    // SO_BINDTODEVICE: without it Linux's weak host model accepts packets for
    // the bind addresses that arrive on any interface.
    std::string bind_device;
    unsigned render_threads = 2;
    // Reading one request, head and body, from the moment the server waits
    // for it: a deadline, not an idle timer, so a byte now and then does
    // not keep a connection open.
    std::chrono::seconds read_timeout{15};
    // Writing one answer, from the moment the write starts.
    std::chrono::seconds write_timeout{60};
    std::size_t max_request_bytes = std::size_t{16} * 1024;
    // Connections beyond these are reset at accept, before a byte is read.
    std::size_t max_connections = 512;
    std::size_t max_connections_per_client = 32;
    // How many of one client's requests may be answered at once; 0: half
    // the render threads (at least one), so one client never holds them all.
    unsigned max_renders_per_client = 0;
    // Requests waiting for a render thread, all clients together. When full,
    // the client with the most waiting loses its newest: HTTP 503.
    std::size_t max_queued_requests = 64;
};

// What became of a request, for the access log.
enum class Delivery {
    sent,         // the answer was written in full
    client_left,  // the client went away (or was disconnected) first; `bytes` were sent
    revoked,      // the client lost its access while the request waited; nothing sent
    refused,      // a connection reset at accept (status 0, request "connect")
};
std::string_view delivery_name(Delivery delivery);

// One line per request, for the access log, written once the answer is
// written (or given up): status and bytes are what the client really got.
// A connection refused at accept is recorded with request "connect",
// status 0 and Delivery::refused, for counting: log those from the
// RefusalLog's summaries instead.
struct AccessRecord {
    std::string remote;
    std::string client;   // empty when the address maps to no client
    std::string request;  // WMS REQUEST value or the path
    unsigned status = 0;
    std::size_t bytes = 0;
    std::chrono::milliseconds duration{0};  // from the request read to the answer written
    // The layers the request was served for: only existing layers the client
    // may see, so a client cannot fill logs or metrics with names of its own.
    std::vector<std::string> layers;
    // Time spent making the answer on the render pool.
    std::chrono::microseconds render_time{0};
    // Set when the server itself failed (status 500): what failed, for the
    // log; the client got only a generic exception report.
    std::string failure;
    Delivery delivery = Delivery::sent;
    // Why, in a few words, when the answer is not the WMS's own: "render
    // queue full", "client limit", ...
    std::string note;
};
using AccessLog = std::function<void(const AccessRecord&)>;

// Connections refused over one interval: one log line for a flood, not one
// per connection (journald drops a service's lines past its rate limit, and
// the real ones with them).
struct RefusalSummary {
    std::chrono::seconds interval{0};
    std::uint64_t unknown_client = 0;  // the address names no client
    std::uint64_t client_limit = 0;    // the client had max_connections_per_client
    std::uint64_t total_limit = 0;     // the server had max_connections
    std::uint64_t accept_failed = 0;   // accept() failed, e.g. out of file descriptors
    std::string top_client;            // refused most often for its limit
    std::uint64_t top_client_refused = 0;
};
using RefusalLog = std::function<void(const RefusalSummary&)>;

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
// its own render threads, shared fairly between clients (see fair_queue.hpp).
class Server {
  public:
    Server(boost::asio::io_context& io, ServerOptions options, ServiceConfig service,
           const Authorizer& authorizer, AccessLog access_log);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Serves `path` (e.g. "/metrics") from `source`. Call before start().
    void add_page(std::string path, PageSource source);
    // Reports refused connections once per `interval` in which there were
    // any, on the io_context. Call before start().
    void on_refusals(RefusalLog log, std::chrono::seconds interval = std::chrono::seconds(10));
    // Opens every layer's dataset (errors name the layer), binds and listens
    // on every bind address (errors name the address; then none listens).
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
    // stop at their next band of rows; queued ones are dropped. No request read after stop()
    // reaches the Authorizer or the AccessLog. Safe to call from any thread; the sockets close on
    // the io_context's threads.
    void stop();
    // Closes every connection from `client` (an IPv4 address also matches
    // its v4-mapped IPv6 form) and drops answers still being made for it
    // (a render stops at its next band of rows): the client gets no
    // further byte. Call it after the Authorizer stopped
    // knowing the address, so that no new connection or request gets in.
    // `closed`, if given, runs on the io_context once every such connection
    // is closed. Safe to call from any thread.
    void disconnect(const boost::asio::ip::address& client, std::function<void()> closed = {});
    // The port listened on once start() succeeded (useful with port 0);
    // 0 before.
    std::uint16_t port() const;
    // Advice about the layers of the last successful start() or reload()
    // (see LayerCatalog::warnings), for the caller to log; empty before.
    std::vector<std::string> layer_warnings() const;

  private:
    std::unique_ptr<ServerImpl> impl_;
};

}  // namespace wmsgate::wms

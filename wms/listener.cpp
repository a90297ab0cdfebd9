#include "wms/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>

#include "wms/http_session.hpp"

namespace wmsgate::wms {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

// Ties the socket to one interface. Binding to the tunnel address alone is
// not enough: Linux uses the weak host model and would accept a packet for
// that address arriving on any interface, e.g. the LAN side, bypassing
// WireGuard's authentication of the source address.
std::error_code bind_to_device(tcp::acceptor& acceptor, const std::string& device) {
    if (device.empty()) return {};
    if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, device.data(),
                     static_cast<socklen_t>(device.size())) != 0)
        return {errno, std::system_category()};
    return {};
}

}  // namespace

Listener::Listener(net::io_context& io, std::shared_ptr<ServerContext> context,
                   tcp::endpoint endpoint)
    : io_(io),
      context_(std::move(context)),
      endpoint_(std::move(endpoint)),
      acceptor_(net::make_strand(io)),
      backoff_(acceptor_.get_executor()),
      summary_(acceptor_.get_executor()) {}

tl::expected<void, std::error_code> Listener::open() {
    const auto& endpoint = endpoint_;
    boost::system::error_code ec;
    std::error_code device_error;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) device_error = bind_to_device(acceptor_, context_->options.bind_device);
    if (!ec && !device_error) acceptor_.bind(endpoint, ec);
    if (!ec && !device_error) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (!ec && !device_error) port_ = acceptor_.local_endpoint(ec).port();
    if (!ec && !device_error) return {};

    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (device_error) return tl::unexpected(device_error);
    // Asio's socket errors are errno values.
    return tl::unexpected(std::error_code(ec.value(), std::system_category()));
}

void Listener::run(Reports reports) {
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this(), reports] {
        self->do_accept();
        if (self->context_->refusal_log && reports == Reports::refusals) self->summarize();
    });
}

void Listener::close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
        self->backoff_.cancel();
        self->summary_.cancel();
        // What was refused since the last summary is not lost (when
        // draining; after stop() nothing may call out any more). The
        // first listener to close takes it all; the others find nothing.
        if (self->context_->refusal_log && !self->context_->stopped) {
            auto last = self->context_->refusals.take();
            last.interval = self->context_->refusal_interval;
            if (any_refused(last)) self->context_->refusal_log(last);
        }
    });
}

void Listener::summarize() {
    summary_.expires_after(context_->refusal_interval);
    summary_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec || !self->acceptor_.is_open() || self->context_->stopped) return;
        auto summary = self->context_->refusals.take();
        summary.interval = self->context_->refusal_interval;
        if (any_refused(summary)) self->context_->refusal_log(summary);
        self->summarize();
    });
}

void Listener::do_accept() {
    // Each connection gets its own strand, so the io_context may run on
    // several threads.
    acceptor_.async_accept(
        net::make_strand(io_),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open() ||
                self->context_->stopped)
                return;
            if (ec) return self->on_accept_error(ec);
            if (auto slot = self->admit(socket)) {
                auto session = std::make_shared<HttpSession>(std::move(socket), self->context_,
                                                             std::move(*slot));
                {
                    std::lock_guard lock(self->context_->sessions_mutex);
                    auto& sessions = self->context_->sessions;
                    std::erase_if(sessions, [](const auto& weak) { return weak.expired(); });
                    sessions.push_back(session);
                }
                session->start();
            }
            self->do_accept();
        });
}

// Out of file descriptors or kernel memory, the connection stays in the
// listen queue and accept() fails again at once: retrying immediately spins
// a core and starves everything else. Waiting a little lets connections
// close (their deadlines run) and fds come back. Other errors concern one
// connection only (it was reset while queued, say).
void Listener::on_accept_error(const boost::system::error_code& ec) {
    const int code = ec.value();
    const bool exhausted = ec.category() == boost::system::system_category() &&
                           (code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM);
    if (!exhausted) return do_accept();
    context_->refusals.count_accept_failure();
    backoff_.expires_after(std::chrono::milliseconds(100));
    backoff_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
        if (wait_ec || !self->acceptor_.is_open() || self->context_->stopped) return;
        self->do_accept();
    });
}

// SO_BINDTODEVICE keeps out packets arriving on other interfaces, but the
// kernel delivers a local process's connection to the tunnel address as if
// it came in on the tunnel device. Such a connection, and any other from an
// address that names no client, is reset before a byte is read: an address
// that maps to no client gets no service at all. Requests on admitted
// connections are still authorized one by one.
//
// A client over its connection limit, or any client once the server has
// max_connections, is reset the same way: holding idle connections must not
// use up the file descriptors other clients need. (A reset, not a 503: the
// refusal costs no write, and a flood gets nothing to read.)
std::optional<ConnectionLimits::Slot> Listener::admit(tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const auto view = ec ? std::nullopt : context_->authorizer.view_for(remote.address());
    if (!view) {
        refuse(socket, remote.address(), Refusal::unknown_client, {});
        return std::nullopt;
    }
    auto slot = context_->connections.acquire(view->client);
    if (!slot) {
        refuse(socket, remote.address(), slot.error(), view->client);
        return std::nullopt;
    }
    return std::move(*slot);
}

void Listener::refuse(tcp::socket& socket, const net::ip::address& remote, Refusal reason,
                      const std::string& client) {
    context_->refusals.count(reason, client);
    // Recorded before the reset, so whoever sees the reset can see the record.
    if (context_->access_log && !context_->stopped) {
        AccessRecord record;
        record.remote = remote.to_string();
        record.client = client;
        record.request = "connect";
        record.delivery = Delivery::refused;
        record.note = reason == Refusal::unknown_client ? "unknown address"
                      : reason == Refusal::client_limit ? "client connection limit"
                                                        : "server connection limit";
        context_->access_log(record);
    }
    boost::system::error_code ec;
    socket.set_option(net::socket_base::linger(true, 0), ec);  // RST, not FIN
    socket.close(ec);
}

}  // namespace wmsgate::wms

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

Listener::Listener(net::io_context& io, std::shared_ptr<ServerContext> context)
    : io_(io), context_(std::move(context)), acceptor_(net::make_strand(io)) {}

tl::expected<void, std::error_code> Listener::open() {
    const tcp::endpoint endpoint(context_->options.bind_address, context_->options.port);
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

void Listener::run() {
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
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
            if (!ec && self->admit(socket)) {
                auto session = std::make_shared<HttpSession>(std::move(socket), self->context_);
                {
                    std::lock_guard lock(self->context_->sessions_mutex);
                    auto& sessions = self->context_->sessions;
                    std::erase_if(sessions, [](const auto& weak) { return weak.expired(); });
                    sessions.push_back(session);
                }
                session->start();
            }
            // Errors such as EMFILE affect one accept; keep accepting.
            self->do_accept();
        });
}

// SO_BINDTODEVICE keeps out packets arriving on other interfaces, but the
// kernel delivers a local process's connection to the tunnel address as if
// it came in on the tunnel device. Such a connection, and any other from an
// address that names no client, is reset before a byte is read: an address
// that maps to no client gets no service at all. Requests on admitted
// connections are still authorized one by one.
bool Listener::admit(tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (!ec && context_->authorizer.view_for(remote.address())) return true;
    // Logged before the reset, so whoever sees the reset can see the record.
    if (context_->access_log && !context_->stopped) {
        AccessRecord record;
        record.remote = remote.address().to_string();
        record.request = "connect";
        context_->access_log(record);
    }
    socket.set_option(net::socket_base::linger(true, 0), ec);  // RST, not FIN
    socket.close(ec);
    return false;
}

}  // namespace wmsgate::wms

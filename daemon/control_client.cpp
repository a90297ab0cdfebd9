#include "daemon/control_client.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace wmsgate::daemon {
namespace asio = boost::asio;
namespace {

// The cause and the fix, for the person at the terminal.
std::string unreachable_reason(const std::filesystem::path& socket_path,
                               const boost::system::error_code& ec) {
    auto where = "cannot reach wmsgated at " + socket_path.string() + ": " + ec.message();
    if (ec == boost::system::errc::permission_denied) {
        return where +
               " (only root and members of the daemon's admin group, wmsgate-admin by default, "
               "may use it: sudo usermod -aG wmsgate-admin $USER, then log in again)";
    }
    if (ec == boost::system::errc::no_such_file_or_directory ||
        ec == boost::system::errc::connection_refused) {
        return where +
               " (is the daemon running? systemctl status wmsgate; for a daemon started by "
               "hand pass --socket PATH or --config FILE)";
    }
    return where;
}

}  // namespace

tl::expected<ControlReply, std::string> call_daemon(const std::filesystem::path& socket_path,
                                                    const ControlRequest& request) {
    asio::io_context io;
    asio::local::stream_protocol::socket socket(io);
    boost::system::error_code ec;
    socket.connect(asio::local::stream_protocol::endpoint(socket_path.string()), ec);
    if (ec) return tl::unexpected(unreachable_reason(socket_path, ec));
    asio::write(socket, asio::buffer(encode_request(request)), ec);
    std::string line;
    if (!ec) {
        asio::read_until(socket, asio::dynamic_buffer(line, max_control_reply), '\n', ec);
    }
    if (ec == asio::error::not_found) {
        return tl::unexpected("the reply of wmsgated at " + socket_path.string() +
                              " is longer than a control reply may be (" +
                              std::to_string(max_control_reply >> 20) +
                              " MiB); ask for less, e.g. audit --since 30d");
    }
    if (ec && line.find('\n') == std::string::npos) {
        return tl::unexpected("wmsgated at " + socket_path.string() +
                              " closed the connection: " + ec.message());
    }
    auto reply = decode_reply(line.substr(0, line.find('\n')));
    if (!reply) return tl::unexpected("unreadable reply from wmsgated: " + reply.error());
    return reply;
}

}  // namespace wmsgate::daemon

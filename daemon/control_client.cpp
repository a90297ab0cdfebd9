#include "daemon/control_client.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace wmsgate::daemon {
namespace asio = boost::asio;

tl::expected<ControlReply, std::string> call_daemon(const std::filesystem::path& socket_path,
                                                    const ControlRequest& request) {
    asio::io_context io;
    asio::local::stream_protocol::socket socket(io);
    boost::system::error_code ec;
    socket.connect(asio::local::stream_protocol::endpoint(socket_path.string()), ec);
    if (ec) {
        return tl::unexpected("cannot reach wmsgated at " + socket_path.string() + ": " +
                              ec.message() + " (is the daemon running? is --socket right?)");
    }
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

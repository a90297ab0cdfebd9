#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/server_context.hpp"

namespace wmsgate::wms {

// Accepts connections and starts a session for each, within the
// connection limits; reports refusals in periodic summaries.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& io, std::shared_ptr<ServerContext> context,
             boost::asio::ip::tcp::endpoint endpoint);

    // Opens, binds (to the device too, if one is set) and listens.
    tl::expected<void, std::error_code> open();
    std::uint16_t port() const { return port_; }
    // Refusals are counted in the shared context, whichever listener saw
    // them; one listener of a server reports them, or a flood would be
    // summarized in halves.
    enum class Reports { refusals, none };
    void run(Reports reports);
    // Thread-safe: stops accepting, on the acceptor's own executor.
    void close();

  private:
    void do_accept();
    void on_accept_error(const boost::system::error_code& ec);
    std::optional<ConnectionLimits::Slot> admit(boost::asio::ip::tcp::socket& socket);
    void refuse(boost::asio::ip::tcp::socket& socket, const boost::asio::ip::address& remote,
                Refusal reason, const std::string& client);
    void summarize();

    boost::asio::io_context& io_;
    std::shared_ptr<ServerContext> context_;
    boost::asio::ip::tcp::endpoint endpoint_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;  // after accept() ran out of resources
    boost::asio::steady_timer summary_;  // the refusal summary's interval
    std::uint16_t port_ = 0;
};

}  // namespace wmsgate::wms

#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <system_error>
#include <tl/expected.hpp>

#include "wms/server_context.hpp"

namespace wmsgate::wms {

// Accepts connections and starts a session for each.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& io, std::shared_ptr<ServerContext> context);

    // Opens, binds (to the device too, if one is set) and listens.
    tl::expected<void, std::error_code> open();
    std::uint16_t port() const { return port_; }
    void run();
    // Thread-safe: stops accepting, on the acceptor's own executor.
    void close();

  private:
    void do_accept();
    bool admit(boost::asio::ip::tcp::socket& socket);

    boost::asio::io_context& io_;
    std::shared_ptr<ServerContext> context_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace wmsgate::wms

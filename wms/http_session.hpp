#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include "wms/server_context.hpp"

namespace wmsgate::wms {

// One HTTP/1.1 connection. The session only reads requests and writes
// responses; answers come from the Handler, run by the render scheduler.
// While an answer is being made the session watches the socket, so that a
// client who leaves stops the work done for it.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    // `slot` counts the connection against the limits while the session lives.
    HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> context,
                ConnectionLimits::Slot slot);

    void start();
    // Thread-safe: closes the connection on the session's own executor, then
    // runs `then` there. Nothing more is written after it.
    void close(std::function<void()> then = {});
    // Thread-safe: closes the connection if no request is being answered;
    // otherwise the answer is written and the connection closed after it
    // (the server is draining).
    void close_if_idle();
    // The client's address; fixed at construction, so safe from any thread.
    const boost::asio::ip::address& remote() const { return remote_; }

  private:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

    void do_read();
    void on_read(boost::beast::error_code ec);
    void dispatch(const Request& request);
    void answer(const std::string& target, const ClientView& view, bool keep_alive);
    void answer_page(const PageSource& source, std::string target, ClientView view,
                     bool keep_alive);
    void on_dropped(DropReason reason, const std::string& target, const std::string& client,
                    bool keep_alive);
    void send(Response response, const std::string& client, bool keep_alive,
              std::chrono::microseconds render_time = {});
    // What the connection does once an answer is written.
    enum class AfterWrite {
        read_next,  // keep-alive: read the next request
        close,      // half-close, then close
        linger,     // half-close, then wait for the client to close (close_after_client)
    };
    void write(AccessRecord record, AfterWrite after);
    void on_write(AccessRecord& record, AfterWrite after, boost::beast::error_code ec,
                  std::size_t written);
    // Nothing is sent for the request in hand; logged as `delivery`.
    void abandon(std::string request, const std::string& client, Delivery delivery,
                 std::string note);
    void watch_client();
    void stop_watching();
    void reject_oversize(unsigned status);
    // Our last answer is written: half-close, then read (and discard) until
    // the client closes, so it gets every byte before the socket goes.
    void close_after_client();
    void discard_until_closed(std::size_t discarded);
    void shutdown_and_close();

    std::shared_ptr<ServerContext> context_;
    ConnectionLimits::Slot slot_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::optional<HttpResponse> response_;
    boost::asio::ip::address remote_;
    bool connected_ = false;
    bool closed_ = false;    // by close(); only touched on the session's executor
    bool busy_ = false;      // a request is being answered; ditto
    bool watching_ = false;  // a wait for the client's leaving is pending; ditto
    // Triggered when the client leaves or is disconnected while its answer
    // is made; a fresh one per request.
    std::stop_source request_stop_;
    std::optional<std::stop_callback<std::function<void()>>> stop_link_;
    // Per request: what the access record needs.
    unsigned http_version_ = 11;
    bool head_ = false;
    std::chrono::steady_clock::time_point started_;
    std::array<char, 4096> scratch_{};
};

}  // namespace wmsgate::wms

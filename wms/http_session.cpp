#include "wms/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>

namespace wmsgate::wms {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {

// After our last answer on a connection, read and discard at most this much
// of what the client still sends while waiting for it to close, so that
// closing does not reset the connection before the client has read the
// answer.
constexpr std::size_t max_discarded_bytes = 1 << 20;

Response text_response(unsigned status, std::string body, std::string request_name) {
    return Response{status, "text/plain", std::move(body) + "\n", std::move(request_name)};
}

// For the access log of requests that never reach the WMS: the path only,
// since the query may be long.
std::string path_of(std::string_view target) {
    return std::string(target.substr(0, std::min<std::size_t>(target.find('?'), 64)));
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> context)
    : context_(std::move(context)), stream_(std::move(socket)) {
    // The client's identity is the socket's peer address and nothing else:
    // headers such as X-Forwarded-For are never read.
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    connected_ = !ec;
    if (connected_) remote_ = endpoint.address();
}

void HttpSession::start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (self->connected_) self->do_read();
    });
}

void HttpSession::close(std::function<void()> then) {
    net::post(stream_.get_executor(), [self = shared_from_this(), then = std::move(then)] {
        self->closed_ = true;
        beast::error_code ec;
        self->stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
        self->stream_.close();
        if (then) then();
    });
}

void HttpSession::close_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        if (self->busy_) return;
        self->closed_ = true;
        self->stream_.close();
    });
}

void HttpSession::do_read() {
    // A fresh parser per request: limits apply to each request, not the sum.
    parser_.emplace();
    const auto limit = context_->options.max_request_bytes;
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limit, UINT32_MAX)));
    parser_->body_limit(limit);
    stream_.expires_after(context_->options.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
    if (ec == http::error::header_limit) return reject_oversize(431);
    if (ec == http::error::body_limit) return reject_oversize(413);
    if (ec == http::error::end_of_stream) return shutdown_and_close();
    // Timeouts, resets, malformed HTTP, stop(): drop the connection.
    if (ec || context_->stopped) return stream_.close();
    dispatch(parser_->release());
}

void HttpSession::dispatch(Request request) {
    started_ = std::chrono::steady_clock::now();
    busy_ = true;
    http_version_ = request.version();
    head_ = request.method() == http::verb::head;
    const bool keep_alive = request.keep_alive();

    // Authorized on every request: a peer revoked mid-connection gets nothing more.
    auto view = context_->authorizer.view_for(remote_);
    std::string target(request.target().data(), request.target().size());
    const std::string path = path_of(target);
    if (!view) return send(text_response(403, "Forbidden", path), {}, false);
    if (request.method() != http::verb::get && !head_)
        return send(text_response(405, "Method not allowed", path), view->client, keep_alive);
    if (const auto page = context_->pages.find(path); page != context_->pages.end())
        return answer_page(page->second, std::move(target), std::move(*view), keep_alive);
    answer(std::move(target), std::move(*view), keep_alive);
}

// The WMS answer, made on the render pool.
void HttpSession::answer(std::string target, ClientView view, bool keep_alive) {
    auto job = [self = shared_from_this(), executor = stream_.get_executor(),
                handler = context_->handler.load(), target = std::move(target),
                view = std::move(view), keep_alive] {
        const auto began = std::chrono::steady_clock::now();
        Response response;
        try {
            response = handler->handle(target, view);
        } catch (const std::exception& e) {
            // A bug, not a client error; the connection survives it.
            response = text_response(500, "Internal server error", path_of(target));
            response.failure = e.what();
        }
        const auto render_time = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - began);
        net::post(executor, [self, response = std::move(response), client = view.client, keep_alive,
                             render_time] {
            self->send(std::move(response), client, keep_alive, render_time);
        });
    };
    if (!context_->renders.post(std::move(job))) stream_.close();
}

// A page such as /metrics: its source decides whether this client gets it;
// if not, the client gets what any unknown path gets, from the same code.
void HttpSession::answer_page(const PageSource& source, std::string target, ClientView view,
                              bool keep_alive) {
    source(remote_, [self = shared_from_this(), executor = stream_.get_executor(),
                     target = std::move(target), view = std::move(view),
                     keep_alive](std::optional<Page> page) mutable {
        net::post(executor, [self, page = std::move(page), target = std::move(target),
                             view = std::move(view), keep_alive]() mutable {
            if (!page) return self->answer(std::move(target), std::move(view), keep_alive);
            self->send(Response{200, std::move(page->content_type), std::move(page->body),
                                path_of(target)},
                       view.client, keep_alive);
        });
    });
}

void HttpSession::send(Response response, const std::string& client, bool keep_alive,
                       std::chrono::microseconds render_time) {
    // closed_: the client was disconnected while its answer was being made;
    // it gets nothing.
    if (context_->stopped || closed_) return stream_.close();
    // Draining: this is the last answer on the connection, and it says so.
    if (context_->draining) keep_alive = false;
    HttpResponse& out =
        response_.emplace(static_cast<http::status>(response.status), http_version_);
    out.set(http::field::server, "wmsgate");
    out.set(http::field::content_type, response.content_type);
    if (response.status == 405) out.set(http::field::allow, "GET, HEAD");
    out.keep_alive(keep_alive);
    const std::size_t bytes = response.body.size();
    if (!head_) out.body() = std::move(response.body);
    out.prepare_payload();
    // HEAD: the headers a GET would get, without the body.
    if (head_) out.content_length(bytes);

    if (context_->access_log) {
        const auto elapsed = std::chrono::steady_clock::now() - started_;
        AccessRecord record;
        record.remote = remote_.to_string();
        record.client = client;
        record.request = std::move(response.request_name);
        record.status = response.status;
        record.bytes = head_ ? 0 : bytes;
        record.duration = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
        record.layers = std::move(response.layers);
        record.render_time = render_time;
        record.failure = std::move(response.failure);
        context_->access_log(record);
    }
    http::async_write(stream_, out,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                          self->on_write(keep_alive, ec);
                      });
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec) {
    response_.reset();
    busy_ = false;
    if (ec) return stream_.close();
    // Draining: the process is about to exit and take the tunnel with it,
    // so bytes still in the socket's buffer would never arrive. The session
    // (and so the drain) lasts until the client has read all and closed.
    if (context_->draining) return close_after_client();
    if (!keep_alive) return shutdown_and_close();
    do_read();
}

void HttpSession::reject_oversize(unsigned status) {
    started_ = std::chrono::steady_clock::now();
    head_ = false;
    const auto body = status == 431 ? "Request header too large" : "Request body too large";
    HttpResponse& out = response_.emplace(static_cast<http::status>(status), 11);
    out.set(http::field::server, "wmsgate");
    out.set(http::field::content_type, "text/plain");
    out.keep_alive(false);
    out.body() = std::string(body) + "\n";
    out.prepare_payload();
    if (context_->access_log && !context_->stopped) {
        AccessRecord record;
        record.remote = remote_.to_string();
        record.request = "-";
        record.status = status;
        record.bytes = out.body().size();
        context_->access_log(record);
    }
    http::async_write(stream_, out, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->response_.reset();
        if (ec) return self->stream_.close();
        self->close_after_client();
    });
}

void HttpSession::close_after_client() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    discard_until_closed(0);
}

void HttpSession::discard_until_closed(std::size_t discarded) {
    if (discarded >= max_discarded_bytes) return stream_.close();
    stream_.expires_after(context_->options.read_timeout);
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this(), discarded](
                                                       beast::error_code ec, std::size_t n) {
        if (ec) return self->stream_.close();
        self->discard_until_closed(discarded + n);
    });
}

void HttpSession::shutdown_and_close() {
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
}

}  // namespace wmsgate::wms

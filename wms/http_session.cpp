#include "wms/http_session.hpp"

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <exception>
#include <sstream>

#include "wms/request_cost.hpp"

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

// A client told to come back later: long enough for a few renders to finish.
constexpr const char* retry_after_seconds = "2";

}  // namespace

std::string_view delivery_name(Delivery delivery) {
    switch (delivery) {
        case Delivery::sent:
            return "sent";
        case Delivery::client_left:
            return "client left";
        case Delivery::revoked:
            return "revoked";
        case Delivery::refused:
            return "refused";
    }
    return "unknown";
}

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> context,
                         ConnectionLimits::Slot slot)
    : context_(std::move(context)), slot_(std::move(slot)), stream_(std::move(socket)) {
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
        // A render for this connection stops at its next band of rows, a
        // waiting one is dropped.
        if (self->request_stop_.request_stop()) self->context_->renders.drop_stopped();
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

void HttpSession::dispatch(const Request& request) {
    started_ = std::chrono::steady_clock::now();
    busy_ = true;
    request_stop_ = std::stop_source{};
    // stop() stops renders at once, even when it runs on the io_context's
    // only thread and the sessions' close() would come after it.
    stop_link_.emplace(context_->stopping.get_token(),
                       [source = request_stop_]() mutable { source.request_stop(); });
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
    answer(target, *view, keep_alive);
}

// The WMS answer, made by the render scheduler. The client's view is taken
// again when the render starts: while the request waited, the client may
// have been revoked, disabled or expired, or lost layers.
void HttpSession::answer(const std::string& target, const ClientView& view, bool keep_alive) {
    auto handler = context_->handler.load();
    const auto& service = handler->service();
    RenderTask task;
    task.client = view.client;
    task.cost = request_cost(target, service.max_width, service.max_height);
    task.stop = request_stop_.get_token();
    task.run = [self = shared_from_this(), executor = stream_.get_executor(), handler, target,
                stop = task.stop, keep_alive] {
        const auto began = std::chrono::steady_clock::now();
        auto view = self->context_->authorizer.view_for(self->remote_);
        if (!view) {
            return net::post(executor, [self, target] {
                self->abandon(request_name(target), {}, Delivery::revoked,
                              "access ended while the request waited");
            });
        }
        Response response;
        try {
            response = handler->handle(target, *view, stop);
        } catch (const std::exception& e) {
            // A bug, not a client error; the connection survives it.
            response = text_response(500, "Internal server error", path_of(target));
            response.failure = e.what();
        }
        const auto render_time = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - began);
        // mutable: the response (a whole map) is moved on, not copied.
        net::post(executor, [self, response = std::move(response), client = view->client,
                             keep_alive, render_time]() mutable {
            self->send(std::move(response), client, keep_alive, render_time);
        });
    };
    task.dropped = [self = shared_from_this(), executor = stream_.get_executor(), target,
                    client = view.client, keep_alive](DropReason reason) {
        net::post(executor, [self, reason, target, client, keep_alive] {
            self->on_dropped(reason, target, client, keep_alive);
        });
    };
    // Expires the read deadline: no Beast operation runs until the write,
    // which sets its own.
    stream_.expires_never();
    watch_client();
    context_->renders.submit(std::move(task));
}

void HttpSession::on_dropped(DropReason reason, const std::string& target,
                             const std::string& client, bool keep_alive) {
    switch (reason) {
        case DropReason::queue_full:
            return send(text_response(503, "Server busy: too many requests waiting; retry later",
                                      request_name(target)),
                        client, keep_alive);
        case DropReason::client_gone:
            // closed_: disconnect() took the connection (the client was revoked).
            if (closed_)
                return abandon(request_name(target), client, Delivery::revoked,
                               "disconnected before the render started");
            return abandon(request_name(target), client, Delivery::client_left,
                           "left before the render started");
        case DropReason::stopped:
            return stream_.close();
    }
}

// Waits for the socket to become readable while the answer is made. An HTTP
// client sends nothing more before it has its answer (we do not read
// pipelined requests early), so readability means it closed or reset the
// connection, unless bytes are waiting: then it pipelined, and stays.
void HttpSession::watch_client() {
    watching_ = true;
    stream_.socket().async_wait(
        net::socket_base::wait_read, [self = shared_from_this()](beast::error_code ec) {
            if (!self->watching_ || ec == net::error::operation_aborted) return;
            if (!ec) {
                char byte = 0;
                const auto n = ::recv(self->stream_.socket().native_handle(), &byte, 1,
                                      MSG_PEEK | MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return self->watch_client();
                if (n > 0) {
                    self->watching_ = false;
                    return;
                }
            }
            self->watching_ = false;
            self->request_stop_.request_stop();
            self->context_->renders.drop_stopped();
        });
}

void HttpSession::stop_watching() {
    if (!watching_) return;
    watching_ = false;
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
}

void HttpSession::abandon(std::string request, const std::string& client, Delivery delivery,
                          std::string note) {
    stop_watching();
    busy_ = false;
    if (context_->access_log && !context_->stopped) {
        AccessRecord record;
        record.remote = remote_.to_string();
        record.client = client;
        record.request = std::move(request);
        record.delivery = delivery;
        record.note = std::move(note);
        record.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started_);
        context_->access_log(record);
    }
    stream_.close();
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
            if (!page) return self->answer(target, view, keep_alive);
            self->send(Response{200, std::move(page->content_type), std::move(page->body),
                                path_of(target)},
                       view.client, keep_alive);
        });
    });
}

void HttpSession::send(Response response, const std::string& client, bool keep_alive,
                       std::chrono::microseconds render_time) {
    stop_watching();
    if (context_->stopped) return stream_.close();
    // closed_: the client was disconnected while its answer was being made;
    // it gets nothing.
    if (closed_)
        return abandon(std::move(response.request_name), client, Delivery::revoked,
                       "disconnected while the answer was made");
    if (request_stop_.stop_requested())
        return abandon(std::move(response.request_name), client, Delivery::client_left,
                       "left while the answer was made");
    // Draining: this is the last answer on the connection, and it says so.
    if (context_->draining) keep_alive = false;
    HttpResponse& out =
        response_.emplace(static_cast<http::status>(response.status), http_version_);
    out.set(http::field::server, "wmsgate");
    out.set(http::field::content_type, response.content_type);
    if (response.status == 405) out.set(http::field::allow, "GET, HEAD");
    if (response.status == 503) out.set(http::field::retry_after, retry_after_seconds);
    out.keep_alive(keep_alive);
    const std::size_t bytes = response.body.size();
    if (!head_) out.body() = std::move(response.body);
    out.prepare_payload();
    // HEAD: the headers a GET would get, without the body.
    if (head_) out.content_length(bytes);

    AccessRecord record;
    record.remote = remote_.to_string();
    record.client = client;
    record.request = std::move(response.request_name);
    record.status = response.status;
    record.bytes = head_ ? 0 : bytes;
    record.layers = std::move(response.layers);
    record.render_time = render_time;
    record.failure = std::move(response.failure);
    if (response.status == 503) record.note = "render queue full";
    write(std::move(record), keep_alive ? AfterWrite::read_next : AfterWrite::close);
}

// Writes response_ under a deadline that starts now, then logs what the
// client really got.
void HttpSession::write(AccessRecord record, AfterWrite after) {
    stream_.expires_after(context_->options.write_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), record = std::move(record), after](
                          beast::error_code ec, std::size_t written) mutable {
                          self->on_write(record, after, ec, written);
                      });
}

void HttpSession::on_write(AccessRecord& record, AfterWrite after, beast::error_code ec,
                           std::size_t written) {
    if (ec) {
        // Of the body, the client got what went out after the header.
        std::ostringstream header;
        header << response_->base();
        const std::size_t header_bytes = header.str().size();
        record.bytes = std::min(record.bytes, written > header_bytes ? written - header_bytes : 0);
        record.delivery = Delivery::client_left;
        if (ec == beast::error::timeout) record.note = "write deadline passed";
    }
    if (context_->access_log && !context_->stopped) {
        record.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started_);
        context_->access_log(record);
    }
    response_.reset();
    busy_ = false;
    if (ec) return stream_.close();
    // Draining: the process is about to exit and take the tunnel with it,
    // so bytes still in the socket's buffer would never arrive. The session
    // (and so the drain) lasts until the client has read all and closed.
    if (context_->draining) after = AfterWrite::linger;
    switch (after) {
        case AfterWrite::read_next:
            return do_read();
        case AfterWrite::close:
            return shutdown_and_close();
        case AfterWrite::linger:
            return close_after_client();
    }
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
    AccessRecord record;
    record.remote = remote_.to_string();
    record.request = "-";
    record.status = status;
    record.bytes = out.body().size();
    // The rest of the oversize request is still unread: closing at once
    // would reset the connection before the client reads the answer.
    write(std::move(record), AfterWrite::linger);
}

// One deadline for all the discarding, set here and not per read: a client
// sending a byte now and then must not keep the connection open.
void HttpSession::close_after_client() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.expires_after(context_->options.read_timeout);
    discard_until_closed(0);
}

void HttpSession::discard_until_closed(std::size_t discarded) {
    if (discarded >= max_discarded_bytes) return stream_.close();
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

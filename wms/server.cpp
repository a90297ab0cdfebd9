#include "wms/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "wms/dataset_cache.hpp"
#include "wms/errors.hpp"
#include "wms/http_session.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/listener.hpp"

namespace wmsgate::wms {

namespace {

// The address as IPv4 if it is a v4-mapped IPv6 one, so both forms compare equal.
boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    return a;
}

// "10.77.0.1:8080 on wmsgate0", "[fd77::1]:8080": what a bind error is about.
std::string endpoint_subject(const boost::asio::ip::tcp::endpoint& endpoint,
                             const std::string& device) {
    const auto& address = endpoint.address();
    std::string subject =
        (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
        std::to_string(endpoint.port());
    if (!device.empty()) subject += " on " + device;
    return subject;
}

}  // namespace

class ServerImpl {
  public:
    ServerImpl(boost::asio::io_context& io, ServerOptions options, ServiceConfig service,
               const Authorizer& authorizer, AccessLog access_log)
        : io_(io),
          options_(std::move(options)),
          service_(std::move(service)),
          authorizer_(authorizer),
          access_log_(std::move(access_log)) {}

    ~ServerImpl() { stop(); }

    void add_page(std::string path, PageSource source) {
        pages_.insert_or_assign(std::move(path), std::move(source));
    }
    void on_refusals(RefusalLog log, std::chrono::seconds interval) {
        refusal_log_ = std::move(log);
        refusal_interval_ = std::max(interval, std::chrono::seconds(1));
    }
    tl::expected<void, StartError> start();
    tl::expected<void, StartError> reload(ServiceConfig service);
    void drain(std::chrono::milliseconds bound, std::function<void()> done);
    void stop();
    void disconnect(const boost::asio::ip::address& client, std::function<void()> closed);
    std::uint16_t port() const { return listeners_.empty() ? 0 : listeners_.front()->port(); }
    std::vector<std::string> layer_warnings() const {
        if (!context_) return {};
        return context_->handler.load()->catalog().warnings();
    }

  private:
    boost::asio::io_context& io_;
    ServerOptions options_;
    ServiceConfig service_;
    const Authorizer& authorizer_;
    AccessLog access_log_;
    std::map<std::string, PageSource> pages_;
    RefusalLog refusal_log_;
    std::chrono::seconds refusal_interval_{10};
    std::shared_ptr<ServerContext> context_;
    std::vector<std::shared_ptr<Listener>> listeners_;

    void close_listeners() {
        for (const auto& listener : listeners_) listener->close();
    }
};

tl::expected<void, StartError> ServerImpl::start() {
    if (context_) return tl::unexpected(StartError{make_error_code(Errc::already_started), {}});
    auto catalog = LayerCatalog::open(service_.layers);
    if (!catalog) return tl::unexpected(StartError{catalog.error().code, catalog.error().subject});

    auto handler = std::make_shared<const Handler>(service_, std::move(*catalog));
    auto context =
        std::make_shared<ServerContext>(options_, std::move(handler), authorizer_, access_log_,
                                        pages_, refusal_log_, refusal_interval_);
    if (options_.bind_addresses.empty()) {
        context->renders.stop();
        return tl::unexpected(StartError{std::make_error_code(std::errc::invalid_argument),
                                         "no address to listen on"});
    }
    std::vector<std::shared_ptr<Listener>> listeners;
    auto port = options_.port;
    for (const auto& address : options_.bind_addresses) {
        const boost::asio::ip::tcp::endpoint endpoint(address, port);
        auto listener = std::make_shared<Listener>(io_, context, endpoint);
        if (auto opened = listener->open(); !opened) {
            // Those already open were never run: they close as they go.
            context->renders.stop();
            return tl::unexpected(
                StartError{opened.error(), endpoint_subject(endpoint, options_.bind_device)});
        }
        port = listener->port();
        listeners.push_back(std::move(listener));
    }
    context_ = std::move(context);
    listeners_ = std::move(listeners);
    for (const auto& listener : listeners_) {
        listener->run(listener == listeners_.front() ? Listener::Reports::refusals
                                                     : Listener::Reports::none);
    }
    return {};
}

tl::expected<void, StartError> ServerImpl::reload(ServiceConfig service) {
    if (!context_ || context_->stopped)
        return tl::unexpected(StartError{make_error_code(Errc::not_started), {}});
    auto catalog = LayerCatalog::open(service.layers);
    if (!catalog) return tl::unexpected(StartError{catalog.error().code, catalog.error().subject});
    service_ = std::move(service);
    context_->handler.store(std::make_shared<const Handler>(service_, std::move(*catalog)));
    // Render threads keep their own dataset handles by path; a file replaced
    // under the same path must be opened anew.
    forget_all_thread_datasets();
    return {};
}

void ServerImpl::drain(std::chrono::milliseconds bound, std::function<void()> done) {
    if (!context_ || context_->stopped) {
        if (done) boost::asio::post(io_, std::move(done));
        return;
    }
    context_->draining = true;
    close_listeners();
    {
        std::lock_guard lock(context_->sessions_mutex);
        for (const auto& weak : context_->sessions) {
            if (const auto session = weak.lock()) session->close_if_idle();
        }
    }
    // A session lives as long as a read, a render or a write holds it, so
    // "every session gone" means "every answer written".
    auto timer = std::make_shared<boost::asio::steady_timer>(io_);
    const auto deadline = std::chrono::steady_clock::now() + bound;
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, timer, deadline, poll, done = std::move(done)]() mutable {
        bool open = false;
        {
            std::lock_guard lock(context_->sessions_mutex);
            open = std::any_of(context_->sessions.begin(), context_->sessions.end(),
                               [](const auto& weak) { return !weak.expired(); });
        }
        if (!open || std::chrono::steady_clock::now() >= deadline) {
            stop();
            auto finished = std::move(done);
            // Breaks the cycle poll -> lambda -> poll; this lambda's captures
            // are gone after it, so nothing below may touch them.
            *poll = nullptr;
            if (finished) finished();
            return;
        }
        timer->expires_after(std::chrono::milliseconds(20));
        timer->async_wait([poll](boost::system::error_code) {
            if (*poll) (*poll)();
        });
    };
    boost::asio::post(io_, [poll] { (*poll)(); });
}

void ServerImpl::stop() {
    if (!context_ || context_->stopped.exchange(true)) return;
    close_listeners();
    std::vector<std::weak_ptr<HttpSession>> sessions;
    {
        std::lock_guard lock(context_->sessions_mutex);
        sessions.swap(context_->sessions);
    }
    for (const auto& weak : sessions) {
        if (const auto session = weak.lock()) session->close();
    }
    // Queued renders are dropped; running ones stop at their next band.
    context_->stopping.request_stop();
    context_->renders.stop();
}

void ServerImpl::disconnect(const boost::asio::ip::address& client, std::function<void()> closed) {
    const auto wanted = unmapped(client);
    std::vector<std::shared_ptr<HttpSession>> matching;
    if (context_) {
        std::lock_guard lock(context_->sessions_mutex);
        for (const auto& weak : context_->sessions) {
            auto session = weak.lock();
            if (session && unmapped(session->remote()) == wanted)
                matching.push_back(std::move(session));
        }
    }
    if (matching.empty()) {
        if (closed) boost::asio::post(io_, std::move(closed));
        return;
    }
    // The last session to close runs `closed`.
    struct Countdown {
        // A constructor, not aggregate init: clang 14 (the fuzz build) lacks
        // C++20's parenthesised aggregate initialisation in make_shared.
        Countdown(std::size_t n, std::function<void()> f) : left(n), then(std::move(f)) {}
        std::atomic<std::size_t> left;
        std::function<void()> then;
    };
    auto countdown = std::make_shared<Countdown>(matching.size(), std::move(closed));
    for (const auto& session : matching) {
        session->close([this, countdown] {
            if (countdown->left.fetch_sub(1) == 1 && countdown->then)
                boost::asio::post(io_, std::move(countdown->then));
        });
    }
}

Server::Server(boost::asio::io_context& io, ServerOptions options, ServiceConfig service,
               const Authorizer& authorizer, AccessLog access_log)
    : impl_(std::make_unique<ServerImpl>(io, std::move(options), std::move(service), authorizer,
                                         std::move(access_log))) {}

Server::~Server() = default;

void Server::add_page(std::string path, PageSource source) {
    impl_->add_page(std::move(path), std::move(source));
}

void Server::on_refusals(RefusalLog log, std::chrono::seconds interval) {
    impl_->on_refusals(std::move(log), interval);
}

tl::expected<void, StartError> Server::reload(ServiceConfig service) {
    return impl_->reload(std::move(service));
}

void Server::drain(std::chrono::milliseconds bound, std::function<void()> done) {
    impl_->drain(bound, std::move(done));
}

tl::expected<void, StartError> Server::start() {
    return impl_->start();
}

void Server::stop() {
    impl_->stop();
}

void Server::disconnect(const boost::asio::ip::address& client, std::function<void()> closed) {
    impl_->disconnect(client, std::move(closed));
}

std::uint16_t Server::port() const {
    return impl_->port();
}

std::vector<std::string> Server::layer_warnings() const {
    return impl_->layer_warnings();
}

}  // namespace wmsgate::wms

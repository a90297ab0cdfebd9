#include "wms/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/wms/test_datasets.hpp"
#include "wms/errors.hpp"

namespace wmsgate::wms {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using net::ip::tcp;
using namespace std::chrono_literals;

// Maps addresses to views; records every address it was asked about.
class FakeAuthorizer : public Authorizer {
  public:
    void set(const std::string& address, std::optional<ClientView> view) {
        std::lock_guard lock(mutex_);
        views_[address] = std::move(view);
    }
    // From now on, a question asked on a render thread (one other than
    // `io_thread`: a render about to start) waits until `open` is ready, so
    // that a test can hold the render threads busy.
    void hold_renders(std::thread::id io_thread, std::shared_future<void> open) {
        std::lock_guard lock(mutex_);
        io_thread_ = io_thread;
        gate_ = std::move(open);
    }
    std::optional<ClientView> view_for(const net::ip::address& remote) const override {
        std::shared_future<void> gate;
        {
            std::lock_guard lock(mutex_);
            if (gate_.valid() && std::this_thread::get_id() != io_thread_) gate = gate_;
        }
        if (gate.valid()) {
            ++held_;
            gate.wait();
        }
        std::lock_guard lock(mutex_);
        asked_.push_back(remote.to_string());
        const auto it = views_.find(remote.to_string());
        return it == views_.end() ? std::nullopt : it->second;
    }
    // How many renders have reached the gate.
    int held() const { return held_; }
    std::vector<std::string> asked() const {
        std::lock_guard lock(mutex_);
        return asked_;
    }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::optional<ClientView>> views_;
    mutable std::vector<std::string> asked_;
    std::thread::id io_thread_;
    std::shared_future<void> gate_;
    mutable std::atomic<int> held_{0};
};

// A blocking-style HTTP client whose every operation gives up after 10 s,
// so a broken server fails the test instead of hanging it.
class Client {
  public:
    beast::error_code connect(std::uint16_t port, const std::string& address = "127.0.0.1") {
        return run([&](auto done) {
            stream_.async_connect(tcp::endpoint(net::ip::make_address(address), port), done);
        });
    }

    beast::error_code send(const http::request<http::string_body>& request) {
        return run([&](auto done) {
            http::async_write(stream_, request,
                              [done](beast::error_code ec, std::size_t) { done(ec); });
        });
    }
    // Sends raw bytes, e.g. a request header without the body it announces.
    beast::error_code send_raw(const std::string& bytes) {
        return run([&](auto done) {
            net::async_write(stream_, net::buffer(bytes),
                             [done](beast::error_code ec, std::size_t) { done(ec); });
        });
    }

    beast::error_code receive(http::response<http::string_body>& response, bool to_head = false) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        parser.skip(to_head);  // a response to HEAD has a Content-Length but no body
        const auto ec = run([&](auto done) {
            http::async_read(stream_, buffer_, parser,
                             [done](beast::error_code ec, std::size_t) { done(ec); });
        });
        response = parser.release();
        return ec;
    }

    http::response<http::string_body> get(const std::string& target,
                                          const std::map<std::string, std::string>& headers = {},
                                          http::verb method = http::verb::get) {
        http::request<http::string_body> request{method, target, 11};
        request.set(http::field::host, "127.0.0.1");
        for (const auto& [name, value] : headers) request.set(name, value);
        http::response<http::string_body> response;
        EXPECT_FALSE(send(request));
        EXPECT_FALSE(receive(response, method == http::verb::head));
        return response;
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().close(ignored);
    }

  private:
    template <class Start>
    beast::error_code run(Start start) {
        beast::error_code result = net::error::would_block;
        stream_.expires_after(10s);
        start([&result](beast::error_code ec) { result = ec; });
        io_.restart();
        io_.run();
        return result;
    }

    net::io_context io_;
    beast::tcp_stream stream_{io_};
    beast::flat_buffer buffer_;
};

const std::string capabilities = "/wms?SERVICE=WMS&REQUEST=GetCapabilities";

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        authorizer_.set("127.0.0.1", ClientView{"alice", {"gray"}});
        io_thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        server_.reset();
        work_.reset();
        io_thread_.join();
    }

    ServerOptions options() const {
        ServerOptions options;
        options.bind_addresses = {net::ip::make_address("127.0.0.1")};
        options.port = 0;
        options.render_threads = 2;
        options.max_request_bytes = 2048;
        return options;
    }

    tl::expected<void, StartError> start(ServerOptions options) {
        server_ = std::make_unique<Server>(io_, options, data_.service(), authorizer_,
                                           [this](const AccessRecord& record) {
                                               std::lock_guard lock(log_mutex_);
                                               log_.push_back(record);
                                           });
        return server_->start();
    }

    void start() {
        const auto started = start(options());
        ASSERT_TRUE(started) << started.error().code.message() << " " << started.error().subject;
        ASSERT_NE(server_->port(), 0);
    }

    // The access log once it has at least `count` records (or after 10 s):
    // a record is written when the answer is, which may be just after the
    // client has read it.
    std::vector<AccessRecord> log(std::size_t count = 0) {
        for (int i = 0; i < 1000; ++i) {
            {
                std::lock_guard lock(log_mutex_);
                if (log_.size() >= count) return log_;
            }
            std::this_thread::sleep_for(10ms);
        }
        std::lock_guard lock(log_mutex_);
        return log_;
    }

    test::TestDatasets data_;
    FakeAuthorizer authorizer_;
    net::io_context io_;
    net::executor_work_guard<net::io_context::executor_type> work_{io_.get_executor()};
    std::thread io_thread_;
    std::unique_ptr<Server> server_;
    std::mutex log_mutex_;
    std::vector<AccessRecord> log_;
};

TEST_F(ServerTest, GetCapabilitiesAndAccessLog) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    const auto response = client.get(capabilities);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response[http::field::content_type], "text/xml");
    EXPECT_NE(response.body().find("<Name>gray</Name>"), std::string::npos);
    EXPECT_EQ(response.body().find("<Name>world</Name>"), std::string::npos);

    const auto records = log(1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].remote, "127.0.0.1");
    EXPECT_EQ(records[0].client, "alice");
    EXPECT_EQ(records[0].request, "GetCapabilities");
    EXPECT_EQ(records[0].status, 200u);
    EXPECT_EQ(records[0].bytes, response.body().size());
}

TEST_F(ServerTest, GetMapAndHead) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    const std::string map =
        "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=gray&STYLES=&CRS=CRS:84"
        "&BBOX=0,0,90,45&WIDTH=32&HEIGHT=16&FORMAT=image/png";
    const auto response = client.get(map);
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response[http::field::content_type], "image/png");
    EXPECT_TRUE(test::has_png_signature(response.body()));

    const auto head = client.get(map, {}, http::verb::head);
    EXPECT_EQ(head.result(), http::status::ok);
    EXPECT_EQ(head[http::field::content_length], std::to_string(response.body().size()));
    EXPECT_TRUE(head.body().empty());
}

TEST_F(ServerTest, MethodsAndPaths) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    const auto post = client.get(capabilities, {}, http::verb::post);
    EXPECT_EQ(post.result(), http::status::method_not_allowed);
    EXPECT_EQ(post[http::field::allow], "GET, HEAD");
    EXPECT_EQ(client.get("/other").result(), http::status::not_found);
}

TEST_F(ServerTest, EveryRequestOnAConnectionIsReauthorized) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    const auto first = client.get(capabilities);
    EXPECT_NE(first.body().find("<Name>gray</Name>"), std::string::npos);
    EXPECT_TRUE(first.keep_alive());

    authorizer_.set("127.0.0.1", ClientView{"alice", {"world"}});
    const auto second = client.get(capabilities);  // same connection
    EXPECT_EQ(second.body().find("<Name>gray</Name>"), std::string::npos);
    EXPECT_NE(second.body().find("<Name>world</Name>"), std::string::npos);

    authorizer_.set("127.0.0.1", std::nullopt);  // revoked mid-connection
    const auto third = client.get(capabilities);
    EXPECT_EQ(third.result(), http::status::forbidden);
    EXPECT_EQ(third.body().find("WMS_Capabilities"), std::string::npos);
    // Once at connect, once per request read and once more when its answer
    // is made (the 403 is answered at once).
    EXPECT_EQ(authorizer_.asked().size(), 6u);
}

// The kernel completes the handshake before the server sees the connection,
// so the reset reaches the client either as a failed connect (when it
// arrives first) or as a failed read. Either way no byte of an answer comes.
bool gets_no_answer(Client& client, std::uint16_t port,
                    const std::map<std::string, std::string>& headers = {}) {
    if (client.connect(port)) return true;
    http::request<http::string_body> request{http::verb::get, capabilities, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    http::response<http::string_body> response;
    (void)client.send(request);  // may or may not fail: the reset races the write
    return client.receive(response) && response.body().empty();
}

TEST_F(ServerTest, UnknownAddressIsResetBeforeAnyRequest) {
    authorizer_.set("127.0.0.1", std::nullopt);
    start();
    Client client;
    EXPECT_TRUE(gets_no_answer(client, server_->port()));
    const auto records = log(1);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, 0u);
    EXPECT_EQ(records[0].delivery, Delivery::refused);
    EXPECT_EQ(records[0].client, "");
    EXPECT_EQ(records[0].request, "connect");
    EXPECT_EQ(records[0].remote, "127.0.0.1");
}

TEST_F(ServerTest, ForwardedHeadersChangeNothing) {
    authorizer_.set("127.0.0.1", std::nullopt);
    authorizer_.set("10.77.0.5", ClientView{"mallory", {"world", "gray"}});
    start();
    Client client;
    EXPECT_TRUE(gets_no_answer(client, server_->port(),
                               {{"X-Forwarded-For", "10.77.0.5"},
                                {"X-Real-IP", "10.77.0.5"},
                                {"Forwarded", "for=10.77.0.5"}}));

    authorizer_.set("127.0.0.1", ClientView{"alice", {"gray"}});
    Client second;
    ASSERT_FALSE(second.connect(server_->port()));
    const auto allowed = second.get(capabilities, {{"X-Forwarded-For", "10.77.0.5"}});
    EXPECT_EQ(allowed.result(), http::status::ok);
    EXPECT_EQ(allowed.body().find("<Name>world</Name>"), std::string::npos);
    for (const auto& address : authorizer_.asked()) EXPECT_EQ(address, "127.0.0.1");
}

TEST_F(ServerTest, OversizeHeaderIsRefused) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    http::request<http::string_body> request{http::verb::get, capabilities, 11};
    request.set("X-Padding", std::string(4000, 'a'));
    http::response<http::string_body> response;
    ASSERT_FALSE(client.send(request));
    ASSERT_FALSE(client.receive(response));
    EXPECT_EQ(response.result(), http::status::request_header_fields_too_large);
    EXPECT_FALSE(response.keep_alive());
    EXPECT_EQ(authorizer_.asked().size(), 1u);  // only at connect: no request was read
}

TEST_F(ServerTest, OversizeBodyIsRefused) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    ASSERT_FALSE(client.send_raw("GET /wms HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
    http::response<http::string_body> response;
    ASSERT_FALSE(client.receive(response));
    EXPECT_EQ(response.result(), http::status::payload_too_large);
    EXPECT_EQ(authorizer_.asked().size(), 1u);  // only at connect: no request was read
}

// The listener closes on the io thread: connects until one fails (bounded)
// and returns that failure.
beast::error_code connect_once_closed(std::uint16_t port) {
    beast::error_code connect_error;
    for (int attempt = 0; attempt < 200 && !connect_error; ++attempt) {
        Client late;
        connect_error = late.connect(port);
        if (!connect_error) std::this_thread::sleep_for(25ms);
    }
    return connect_error;
}

TEST_F(ServerTest, StopClosesOpenConnections) {
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    EXPECT_EQ(client.get(capabilities).result(), http::status::ok);
    const auto port = server_->port();
    server_->stop();

    http::response<http::string_body> response;
    const auto ec = client.receive(response);
    EXPECT_TRUE(ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                ec == net::error::eof)
        << ec.message();

    EXPECT_EQ(connect_once_closed(port), net::error::connection_refused);
}

TEST_F(ServerTest, ReloadSwapsLayersOnOpenConnectionsAndRefusesBrokenOnes) {
    authorizer_.set("127.0.0.1", ClientView{"alice", {"gray", "extra"}});
    start();
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    EXPECT_EQ(client.get(capabilities).body().find("<Name>extra</Name>"), std::string::npos);

    auto service = data_.service();
    service.layers.push_back(test::layer("extra", "Extra", data_.world()));
    service.title = "Reloaded";
    ASSERT_TRUE(server_->reload(service));
    const auto after = client.get(capabilities);  // the same connection
    EXPECT_NE(after.body().find("<Name>extra</Name>"), std::string::npos);
    EXPECT_NE(after.body().find("<Title>Reloaded</Title>"), std::string::npos);

    auto broken = service;
    broken.layers.push_back(test::layer("ortho", "Ortho", "/nonexistent/ortho.tif"));
    broken.title = "Broken";
    const auto refused = server_->reload(broken);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().subject.find("'ortho'"), std::string::npos);
    const auto kept = client.get(capabilities);
    EXPECT_NE(kept.body().find("<Title>Reloaded</Title>"), std::string::npos);
    EXPECT_NE(kept.body().find("<Name>extra</Name>"), std::string::npos);
}

// A page whose answer the test releases, to hold a request in flight.
class HeldPage {
  public:
    PageSource source() {
        return [this](const net::ip::address&, PageReply reply) {
            std::lock_guard lock(mutex_);
            replies_.push_back(std::move(reply));
            arrived_.notify_all();
        };
    }
    bool wait_for_request() {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, 10s, [this] { return !replies_.empty(); });
    }
    void release(std::optional<Page> page) {
        std::vector<PageReply> replies;
        {
            std::lock_guard lock(mutex_);
            replies.swap(replies_);
        }
        for (auto& reply : replies) reply(page);
    }

  private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<PageReply> replies_;
};

TEST_F(ServerTest, PageRefusedIsAnsweredExactlyAsAnUnknownPath) {
    bool allow = false;
    server_ = nullptr;
    auto options = this->options();
    server_ = std::make_unique<Server>(io_, options, data_.service(), authorizer_, nullptr);
    server_->add_page("/metrics", [&allow](const net::ip::address&, PageReply reply) {
        if (allow) return reply(Page{"text/plain; version=0.0.4", "up 1\n"});
        reply(std::nullopt);
    });
    ASSERT_TRUE(server_->start());
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    auto refused = client.get("/metrics");
    auto unknown = client.get("/metricz");
    EXPECT_EQ(refused.result(), http::status::not_found);
    EXPECT_EQ(refused.body(), unknown.body());
    refused.erase(http::field::date);
    unknown.erase(http::field::date);
    std::ostringstream a, b;
    a << refused.base();
    b << unknown.base();
    EXPECT_EQ(a.str(), b.str());

    allow = true;
    const auto page = client.get("/metrics?ignored=1");
    EXPECT_EQ(page.result(), http::status::ok);
    EXPECT_EQ(page[http::field::content_type], "text/plain; version=0.0.4");
    EXPECT_EQ(page.body(), "up 1\n");
}

TEST_F(ServerTest, DrainFinishesTheRequestInFlightAndClosesIdleConnections) {
    HeldPage held;
    server_ = std::make_unique<Server>(io_, options(), data_.service(), authorizer_, nullptr);
    server_->add_page("/held", held.source());
    ASSERT_TRUE(server_->start());
    const auto port = server_->port();

    Client idle;
    ASSERT_FALSE(idle.connect(port));
    EXPECT_EQ(idle.get(capabilities).result(), http::status::ok);
    Client busy;
    ASSERT_FALSE(busy.connect(port));
    http::request<http::string_body> request{http::verb::get, "/held", 11};
    ASSERT_FALSE(busy.send(request));
    ASSERT_TRUE(held.wait_for_request());

    std::promise<void> drained;
    auto drained_future = drained.get_future();
    server_->drain(10s, [&drained] { drained.set_value(); });

    http::response<http::string_body> nothing;
    const auto idle_error = idle.receive(nothing);
    EXPECT_TRUE(idle_error == http::error::end_of_stream || idle_error == net::error::eof ||
                idle_error == net::error::connection_reset)
        << idle_error.message();
    // Not accepting any more.
    EXPECT_EQ(connect_once_closed(port), net::error::connection_refused);
    EXPECT_EQ(drained_future.wait_for(0s), std::future_status::timeout);

    held.release(Page{"text/plain", "finished\n"});
    http::response<http::string_body> response;
    ASSERT_FALSE(busy.receive(response));
    EXPECT_EQ(response.result(), http::status::ok);
    EXPECT_EQ(response.body(), "finished\n");
    EXPECT_FALSE(response.keep_alive());
    // The drain lasts until the client has read everything and closed: the
    // process exits after it and takes the tunnel along.
    EXPECT_EQ(drained_future.wait_for(200ms), std::future_status::timeout);
    busy.close();
    EXPECT_EQ(drained_future.wait_for(10s), std::future_status::ready);
}

TEST_F(ServerTest, DrainGivesUpAfterItsBound) {
    HeldPage held;
    server_ = std::make_unique<Server>(io_, options(), data_.service(), authorizer_, nullptr);
    server_->add_page("/held", held.source());
    ASSERT_TRUE(server_->start());
    Client busy;
    ASSERT_FALSE(busy.connect(server_->port()));
    http::request<http::string_body> request{http::verb::get, "/held", 11};
    ASSERT_FALSE(busy.send(request));
    ASSERT_TRUE(held.wait_for_request());

    std::promise<void> drained;
    server_->drain(200ms, [&drained] { drained.set_value(); });
    EXPECT_EQ(drained.get_future().wait_for(10s), std::future_status::ready);
    http::response<http::string_body> response;
    EXPECT_TRUE(busy.receive(response));  // closed without an answer
    held.release(Page{"text/plain", "too late\n"});
}

TEST_F(ServerTest, BindErrorsNameTheEndpoint) {
    auto options = this->options();
    options.bind_addresses = {net::ip::make_address("192.0.2.1")};  // TEST-NET-1, not ours
    options.port = 18080;
    const auto started = start(options);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, std::errc::address_not_available);
    EXPECT_EQ(started.error().subject, "192.0.2.1:18080");
}

// The tunnel's IPv4 and IPv6 addresses: one port, both answered, each
// connection's client named by its own address.
TEST_F(ServerTest, ListensOnEveryBindAddress) {
    auto options = this->options();
    options.bind_addresses = {net::ip::make_address("127.0.0.1"), net::ip::make_address("::1")};
    const auto started = start(options);
    if (!started && started.error().code == std::errc::address_not_available)
        GTEST_SKIP() << "no IPv6 loopback address here";
    ASSERT_TRUE(started) << started.error().code.message() << " " << started.error().subject;
    authorizer_.set("::1", ClientView{"bob", {"world"}});

    Client v4;
    ASSERT_FALSE(v4.connect(server_->port(), "127.0.0.1"));
    EXPECT_NE(v4.get(capabilities).body().find("<Name>gray</Name>"), std::string::npos);
    Client v6;
    ASSERT_FALSE(v6.connect(server_->port(), "::1"));
    const auto body = v6.get(capabilities).body();
    EXPECT_NE(body.find("<Name>world</Name>"), std::string::npos);
    EXPECT_EQ(body.find("<Name>gray</Name>"), std::string::npos);

    const auto records = log(2);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].remote, "::1");
    EXPECT_EQ(records[1].client, "bob");
}

// One address that cannot be bound fails the start, names that address,
// and leaves none listening: no half-started server.
TEST_F(ServerTest, ABindErrorOnAnyAddressStopsThemAll) {
    auto options = this->options();
    options.bind_addresses = {net::ip::make_address("127.0.0.1"),
                              net::ip::make_address("192.0.2.1")};  // TEST-NET-1, not ours
    const auto started = start(options);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, std::errc::address_not_available);
    const std::string prefix = "192.0.2.1:";
    ASSERT_EQ(started.error().subject.rfind(prefix, 0), 0u) << started.error().subject;
    const auto port = std::stoi(started.error().subject.substr(prefix.size()));
    ASSERT_GT(port, 0);  // the first listener's port, which the second was to share
    Client client;
    EXPECT_EQ(client.connect(static_cast<std::uint16_t>(port)), net::error::connection_refused);
    EXPECT_EQ(server_->port(), 0);
}

TEST_F(ServerTest, NoAddressIsAnError) {
    auto options = this->options();
    options.bind_addresses.clear();
    const auto started = start(options);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, std::errc::invalid_argument);
}

TEST_F(ServerTest, PortInUse) {
    start();
    auto options = this->options();
    options.port = server_->port();
    Server second(io_, options, data_.service(), authorizer_, nullptr);
    const auto started = second.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, std::errc::address_in_use);
}

TEST_F(ServerTest, UnreadableLayerNamesTheLayer) {
    auto service = data_.service();
    service.layers.push_back(test::layer("ortho", "Ortho", "/nonexistent/ortho.tif"));
    Server server(io_, options(), service, authorizer_, nullptr);
    const auto started = server.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, make_error_code(Errc::dataset_unreadable));
    EXPECT_NE(started.error().subject.find("'ortho'"), std::string::npos);
    EXPECT_NE(started.error().subject.find("/nonexistent/ortho.tif"), std::string::npos);
}

TEST_F(ServerTest, BindsToLoopbackDevice) {
    auto options = this->options();
    options.bind_device = "lo";
    const auto started = start(options);
    if (!started && started.error().code == std::errc::operation_not_permitted)
        GTEST_SKIP() << "SO_BINDTODEVICE needs CAP_NET_RAW here";
    ASSERT_TRUE(started) << started.error().code.message() << " " << started.error().subject;
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    EXPECT_EQ(client.get(capabilities).result(), http::status::ok);
}

TEST_F(ServerTest, UnknownDeviceIsAStartError) {
    auto options = this->options();
    options.bind_device = "nosuchdev0";
    options.port = 18081;
    const auto started = start(options);
    ASSERT_FALSE(started);
    EXPECT_TRUE(started.error().code == std::errc::no_such_device ||
                started.error().code == std::errc::operation_not_permitted)
        << started.error().code.message();
    EXPECT_EQ(started.error().subject, "127.0.0.1:18081 on nosuchdev0");
}

bool closed_by_server(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset;
}

// A record matching `wanted`, waiting up to 10 s for it.
template <class Wanted>
std::optional<AccessRecord> find_record(std::function<std::vector<AccessRecord>()> log,
                                        Wanted wanted) {
    for (int i = 0; i < 1000; ++i) {
        for (const auto& record : log())
            if (wanted(record)) return record;
        std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
}

TEST_F(ServerTest, AClientOverItsConnectionLimitIsReset) {
    auto options = this->options();
    options.max_connections_per_client = 2;
    ASSERT_TRUE(start(options));
    Client first;
    Client second;
    for (Client* client : {&first, &second}) {
        ASSERT_FALSE(client->connect(server_->port()));
        EXPECT_EQ(client->get(capabilities).result(), http::status::ok);
    }
    Client third;
    EXPECT_TRUE(gets_no_answer(third, server_->port()));
    const auto refused =
        find_record([this] { return log(); },
                    [](const AccessRecord& r) { return r.delivery == Delivery::refused; });
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->client, "alice");
    EXPECT_EQ(refused->note, "client connection limit");

    // A closed connection gives its place back (once the server saw the close).
    first.close();
    bool served = false;
    for (int attempt = 0; attempt < 100 && !served; ++attempt) {
        Client again;
        served = !again.connect(server_->port()) &&
                 !again.send(http::request<http::string_body>{http::verb::get, capabilities, 11});
        http::response<http::string_body> response;
        served = served && !again.receive(response) && response.result() == http::status::ok;
        if (!served) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(served);
}

TEST_F(ServerTest, RefusalsAreSummarisedNotLoggedOneByOne) {
    authorizer_.set("127.0.0.1", std::nullopt);
    std::mutex mutex;
    std::vector<RefusalSummary> summaries;
    server_ = std::make_unique<Server>(io_, options(), data_.service(), authorizer_, nullptr);
    server_->on_refusals(
        [&](const RefusalSummary& summary) {
            std::lock_guard lock(mutex);
            summaries.push_back(summary);
        },
        1s);
    ASSERT_TRUE(server_->start());
    for (int i = 0; i < 5; ++i) {
        Client client;
        EXPECT_TRUE(gets_no_answer(client, server_->port()));
    }
    for (int i = 0; i < 500; ++i) {
        {
            std::lock_guard lock(mutex);
            if (!summaries.empty()) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    server_->stop();
    std::lock_guard lock(mutex);
    std::uint64_t unknown = 0;
    for (const auto& summary : summaries) unknown += summary.unknown_client;
    EXPECT_EQ(unknown, 5u);
    EXPECT_LE(summaries.size(), 2u);
}

// One byte now and then must not keep a connection open: the deadline is
// for the whole request head.
TEST_F(ServerTest, ASlowHeaderIsClosedAtItsDeadline) {
    auto options = this->options();
    options.read_timeout = 1s;
    ASSERT_TRUE(start(options));
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    const auto began = std::chrono::steady_clock::now();
    ASSERT_FALSE(client.send_raw("GET /wms HTTP/1.1\r\nHost: x\r\n"));
    beast::error_code ec;
    while (!ec && std::chrono::steady_clock::now() - began < 20s) {
        std::this_thread::sleep_for(100ms);
        ec = client.send_raw("X");
    }
    EXPECT_TRUE(ec) << "still open after 20 s";
    // Generous: the deadline is 1 s.
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
}

// Render threads held busy by the FakeAuthorizer's gate; every request
// sent while they are is queued.
class HeldRenders {
  public:
    HeldRenders(FakeAuthorizer& authorizer, std::thread::id io_thread) {
        authorizer.hold_renders(io_thread, open_.get_future().share());
    }
    ~HeldRenders() { release(); }
    void release() {
        if (!released_) open_.set_value();
        released_ = true;
    }

  private:
    std::promise<void> open_;
    bool released_ = false;
};

TEST_F(ServerTest, AFullQueueAnswers503WithRetryAfter) {
    auto options = this->options();
    options.render_threads = 1;
    options.max_queued_requests = 1;
    ASSERT_TRUE(start(options));
    HeldRenders held(authorizer_, io_thread_.get_id());
    Client running;
    Client waiting;
    Client refused;
    const http::request<http::string_body> request{http::verb::get, capabilities, 11};
    // The first request holds the render thread, the second waits in the
    // queue (it was asked about at connect and when read, and queued in the
    // same step), before the third comes.
    ASSERT_FALSE(running.connect(server_->port()));
    ASSERT_FALSE(running.send(request));
    for (int i = 0; i < 1000 && authorizer_.held() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(authorizer_.held(), 1);
    const auto asked = authorizer_.asked().size();
    ASSERT_FALSE(waiting.connect(server_->port()));
    ASSERT_FALSE(waiting.send(request));
    for (int i = 0; i < 1000 && authorizer_.asked().size() < asked + 2; ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_FALSE(refused.connect(server_->port()));
    http::response<http::string_body> busy;
    ASSERT_FALSE(refused.send(request));
    ASSERT_FALSE(refused.receive(busy));
    EXPECT_EQ(busy.result(), http::status::service_unavailable);
    EXPECT_EQ(busy[http::field::retry_after], "2");
    const auto record = find_record([this] { return log(); },
                                    [](const AccessRecord& r) { return r.status == 503; });
    ASSERT_TRUE(record);
    EXPECT_EQ(record->note, "render queue full");

    held.release();
    for (Client* client : {&running, &waiting}) {
        http::response<http::string_body> response;
        ASSERT_FALSE(client->receive(response));
        EXPECT_EQ(response.result(), http::status::ok);
    }
}

TEST_F(ServerTest, ARequestWhoseClientLeftIsNotRendered) {
    auto options = this->options();
    options.render_threads = 1;
    ASSERT_TRUE(start(options));
    HeldRenders held(authorizer_, io_thread_.get_id());
    const std::string map =
        "/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.3.0&LAYERS=gray&STYLES=&CRS=CRS:84"
        "&BBOX=0,0,90,45&WIDTH=32&HEIGHT=16&FORMAT=image/png";
    Client running;
    ASSERT_FALSE(running.connect(server_->port()));
    ASSERT_FALSE(running.send({http::verb::get, capabilities, 11}));
    Client leaving;
    ASSERT_FALSE(leaving.connect(server_->port()));
    ASSERT_FALSE(leaving.send({http::verb::get, map, 11}));
    std::this_thread::sleep_for(100ms);
    leaving.close();
    // Dropped while the render thread is still held: it never started.
    const auto record =
        find_record([this] { return log(); },
                    [](const AccessRecord& r) { return r.delivery == Delivery::client_left; });
    ASSERT_TRUE(record);
    EXPECT_EQ(record->status, 0u);
    EXPECT_EQ(record->bytes, 0u);
    EXPECT_EQ(record->note, "left before the render started");
    held.release();
    http::response<http::string_body> response;
    ASSERT_FALSE(running.receive(response));
    EXPECT_EQ(response.result(), http::status::ok);
}

TEST_F(ServerTest, ARequestOfAClientRevokedWhileItWaitedGetsNothing) {
    auto options = this->options();
    options.render_threads = 1;
    ASSERT_TRUE(start(options));
    HeldRenders held(authorizer_, io_thread_.get_id());
    Client client;
    ASSERT_FALSE(client.connect(server_->port()));
    ASSERT_FALSE(client.send({http::verb::get, capabilities, 11}));
    std::this_thread::sleep_for(100ms);
    authorizer_.set("127.0.0.1", std::nullopt);
    held.release();
    http::response<http::string_body> response;
    const auto ec = client.receive(response);
    EXPECT_TRUE(closed_by_server(ec)) << ec.message();
    EXPECT_TRUE(response.body().empty());
    const auto record =
        find_record([this] { return log(); },
                    [](const AccessRecord& r) { return r.delivery == Delivery::revoked; });
    ASSERT_TRUE(record);
    EXPECT_EQ(record->status, 0u);
}

}  // namespace
}  // namespace wmsgate::wms

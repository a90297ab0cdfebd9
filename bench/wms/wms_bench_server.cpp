// The map service alone on 127.0.0.1, for benchmarks: no WireGuard, every
// layer for every client. Not a product binary and never installed.
//   wms_bench_server CONFIG PORT [RENDER_THREADS]
// CONFIG is a wmsgated config; only its [wms] and [[layer]] tables are used
// (see bench_config.hpp). RENDER_THREADS overrides [wms] render_threads.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include "bench/args.hpp"
#include "bench/wms/bench_config.hpp"
#include "daemon/console.hpp"
#include "wms/server.hpp"

namespace {

using namespace wmsgate;

class EveryoneSeesAll : public wms::Authorizer {
  public:
    explicit EveryoneSeesAll(const std::vector<wms::LayerConfig>& layers) {
        for (const auto& layer : layers) view_.layers.insert(layer.name);
    }
    std::optional<wms::ClientView> view_for(const boost::asio::ip::address&) const override {
        return view_;
    }

  private:
    wms::ClientView view_{"bench", {}};
};

// wmsgated's listening options from [wms], except that every request comes
// from one address here: the per-client limits, which keep one peer from
// taking a server shared by many, are lifted to the totals.
wms::ServerOptions options_for(const daemon::WmsSection& wms, std::uint16_t port,
                               unsigned render_threads) {
    wms::ServerOptions options;
    options.bind_addresses = {boost::asio::ip::make_address("127.0.0.1")};
    options.port = port;
    options.render_threads = render_threads;
    options.read_timeout = wms.request_timeout;
    options.write_timeout = wms.write_timeout;
    options.max_connections = wms.max_connections;
    options.max_connections_per_client = wms.max_connections;
    options.max_renders_per_client = render_threads;
    options.max_queued_requests = wms.max_queued_requests;
    return options;
}

int run(int argc, char** argv) {
    using daemon::console::message;
    const auto port =
        argc >= 3 ? bench::parse_number<std::uint16_t>(argv[2], 1, 65535) : std::nullopt;
    const auto threads_given =
        argc == 4 ? bench::parse_number<unsigned>(argv[3], 1, 1024) : std::optional<unsigned>(0);
    if ((argc != 3 && argc != 4) || !port || !threads_given) {
        message(std::string("usage: ") + argv[0] +
                " CONFIG PORT [RENDER_THREADS]  (PORT 1-65535, RENDER_THREADS 1-1024)");
        return 2;
    }
    const auto config = bench::load_bench_config(argv[1]);
    if (!config) {
        message(config.error().message);
        return 1;
    }
    const unsigned threads = argc == 4 ? *threads_given : config->wms.render_threads;

    wms::ServiceConfig service = config->wms.service;
    service.online_resource = "http://127.0.0.1:" + std::to_string(*port) + "/wms";
    service.layers = config->layers;

    boost::asio::io_context io;
    EveryoneSeesAll authorizer(service.layers);
    wms::Server server(io, options_for(config->wms, *port, threads), service, authorizer, nullptr);
    if (auto started = server.start(); !started) {
        message("start failed: " + started.error().code.message() + " (" + started.error().subject +
                ")");
        return 1;
    }
    message("serving " + std::to_string(service.layers.size()) + " layers on " +
            service.online_resource + " with " + std::to_string(threads) + " render threads");
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) {
        server.stop();
        io.stop();
    });
    io.run();
    return 0;
}

}  // namespace

// An exception is a bug here too: a line saying so, not a core dump.
int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        wmsgate::daemon::console::message(std::string("wms_bench_server: internal error: ") +
                                          e.what());
    } catch (...) {
        wmsgate::daemon::console::message("wms_bench_server: internal error");
    }
    return 1;
}

// The map service alone on 127.0.0.1, for benchmarks: no WireGuard, every
// layer for every client. Not a product binary and never installed.
//   wms_bench_server CONFIG PORT [RENDER_THREADS]
// CONFIG is a wmsgated config; only its [wms] and [[layer]] tables are used
// (see bench_config.hpp). RENDER_THREADS overrides [wms] render_threads.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <string>

#include "bench/wms/bench_config.hpp"
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

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: %s CONFIG PORT [RENDER_THREADS]\n", argv[0]);
        return 2;
    }
    const auto config = bench::load_bench_config(argv[1]);
    if (!config) {
        std::fprintf(stderr, "%s\n", config.error().message.c_str());
        return 1;
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[2]));
    const unsigned threads =
        argc == 4 ? static_cast<unsigned>(std::stoi(argv[3])) : config->wms.render_threads;

    wms::ServiceConfig service = config->wms.service;
    service.online_resource = "http://127.0.0.1:" + std::to_string(port) + "/wms";
    service.layers = config->layers;

    boost::asio::io_context io;
    EveryoneSeesAll authorizer(service.layers);
    wms::Server server(io, options_for(config->wms, port, threads), service, authorizer, nullptr);
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "start failed: %s (%s)\n", started.error().code.message().c_str(),
                     started.error().subject.c_str());
        return 1;
    }
    std::fprintf(stderr, "serving %zu layers on %s with %u render threads\n", service.layers.size(),
                 service.online_resource.c_str(), threads);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) {
        server.stop();
        io.stop();
    });
    io.run();
    return 0;
}

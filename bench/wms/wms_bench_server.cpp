// wms::Server on 127.0.0.1 for the benchmark: no WireGuard, an Authorizer
// that shows every layer to everyone. Not a product binary.
//   wms_bench_server DATA_DIR PORT RENDER_THREADS
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "wms/server.hpp"

namespace {

class EveryoneSeesAll : public wmsgate::wms::Authorizer {
  public:
    std::optional<wmsgate::wms::ClientView> view_for(
        const boost::asio::ip::address&) const override {
        return wmsgate::wms::ClientView{"bench", {"ortho", "dem"}};
    }
};

wmsgate::wms::LayerConfig layer(const std::string& name, const std::string& source) {
    wmsgate::wms::LayerConfig config;
    config.name = name;
    config.title = name;
    config.source = source;
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s DATA_DIR PORT RENDER_THREADS\n", argv[0]);
        return 2;
    }
    const std::string data = argv[1];
    wmsgate::wms::ServiceConfig service;
    service.online_resource = "http://127.0.0.1:" + std::string(argv[2]) + "/wms";
    service.gdal_block_cache_mb = 64;
    auto dem = layer("dem", data + "/dem.tif");
    dem.default_style = wmsgate::wms::RampKind::elevation;
    dem.min = 0;
    dem.max = 3000;
    service.layers = {layer("ortho", data + "/ortho.tif"), dem};

    wmsgate::wms::ServerOptions options;
    options.bind_address = boost::asio::ip::make_address("127.0.0.1");
    options.port = static_cast<std::uint16_t>(std::stoi(argv[2]));
    options.render_threads = static_cast<unsigned>(std::stoi(argv[3]));

    boost::asio::io_context io;
    EveryoneSeesAll authorizer;
    wmsgate::wms::Server server(io, options, service, authorizer, nullptr);
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "start failed: %s (%s)\n", started.error().code.message().c_str(),
                     started.error().subject.c_str());
        return 1;
    }
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) {
        server.stop();
        io.stop();
    });
    io.run();
    return 0;
}

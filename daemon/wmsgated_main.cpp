#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <string_view>
#include <vector>

#include "daemon/appliance.hpp"
#include "daemon/config.hpp"
#include "daemon/log.hpp"
#include "daemon/service_manager.hpp"

namespace {

constexpr const char* usage =
    "usage: wmsgated [--config FILE]        run the appliance (default /etc/wmsgate/wmsgate.toml)\n"
    "       wmsgated --check-config FILE    validate a config file and exit\n";

int run(const std::filesystem::path& config_file) {
    using namespace wmsgate::daemon;
    auto config = load_config(config_file, wmsgate::daemon::FileChecks::verify);
    if (!config) {
        std::fprintf(stderr, "wmsgated: %s\n", config.error().message.c_str());
        return 2;
    }
    const Log log(parse_log_level(config->daemon.log_level).value_or(LogLevel::info));
    boost::asio::io_context io;
    auto appliance = Appliance::bring_up(std::move(*config), io, log);
    if (!appliance) {
        log.error(appliance.error().message);
        return 1;
    }
    ServiceManager service_manager(io);
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code, int) {
        service_manager.stopping();
        service_manager.stop_watchdog();
        log.info("stopping");
        (*appliance)->shutdown();
        io.stop();
    });
    service_manager.start_watchdog();
    service_manager.ready("serving");
    log.info("ready");
    io.run();
    appliance->reset();
    return 0;
}

int check_config(const std::filesystem::path& config_file) {
    auto config = wmsgate::daemon::load_config(config_file, wmsgate::daemon::FileChecks::verify);
    if (!config) {
        std::fprintf(stderr, "wmsgated: %s\n", config.error().message.c_str());
        return 2;
    }
    std::fprintf(stderr, "wmsgated: %s is valid\n", config_file.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(usage, stdout);
        return 0;
    }
    if (args.size() == 2 && args[0] == "--check-config") return check_config(args[1]);
    if (args.size() == 2 && args[0] == "--config") return run(args[1]);
    if (args.empty()) return run("/etc/wmsgate/wmsgate.toml");
    std::fputs(usage, stderr);
    return 1;
}

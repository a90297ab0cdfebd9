#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <exception>
#include <functional>
#include <string_view>
#include <vector>

#include "daemon/appliance.hpp"
#include "daemon/config.hpp"
#include "daemon/console.hpp"
#include "daemon/daemon_config.hpp"
#include "daemon/log.hpp"
#include "daemon/service_manager.hpp"

namespace {

constexpr std::string_view usage =
    "usage: wmsgated [--config FILE]        run the appliance (default /etc/wmsgate/wmsgate.toml)\n"
    "       wmsgated --check-config FILE    validate a config file and exit";

// SIGHUP: the new file is validated as at start; if it or applying it fails,
// the daemon keeps running on the config it has.
void reload(const std::filesystem::path& config_file, wmsgate::daemon::Appliance& appliance,
            wmsgate::daemon::ServiceManager& service_manager, const wmsgate::daemon::Log& log) {
    using namespace wmsgate::daemon;
    service_manager.reloading();
    auto config = load_daemon_config(config_file);
    if (!config) {
        log.error("reload refused; running config kept: " + config.error().message);
    } else if (auto applied = appliance.reload(std::move(*config)); !applied) {
        log.error("reload refused; running config kept: " + applied.error().message);
    } else {
        log.info("reloaded " + config_file.string());
    }
    service_manager.ready(appliance.status_line());
}

int run(const std::filesystem::path& config_file) {
    using namespace wmsgate::daemon;
    auto config = load_daemon_config(config_file);
    if (!config) {
        console::message("wmsgated: " + config.error().message);
        return 2;
    }
    Log log(parse_log_level(config->daemon.log_level).value_or(LogLevel::info));
    boost::asio::io_context io;
    auto appliance = Appliance::bring_up(std::move(*config), io, log);
    if (!appliance) {
        log.error(appliance.error().message);
        return 1;
    }
    ServiceManager service_manager(io);
    auto& running = **appliance;

    // STATUS= shows the figures an admin looks for first in systemctl status.
    boost::asio::steady_timer status_timer(io);
    std::function<void()> publish_status = [&] {
        service_manager.status(running.status_line());
        status_timer.expires_after(std::chrono::seconds(10));
        status_timer.async_wait([&](boost::system::error_code ec) {
            if (!ec) publish_status();
        });
    };

    boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
    bool stopping = false;
    std::function<void()> wait_for_signal = [&] {
        signals.async_wait([&](boost::system::error_code ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                if (!stopping) reload(config_file, running, service_manager, log);
            } else if (!stopping) {
                stopping = true;
                service_manager.stopping();
                log.info("stopping: finishing the requests being answered");
                status_timer.cancel();
                running.drain([&] {
                    service_manager.stop_watchdog();
                    log.info("stopped");
                    io.stop();
                });
            } else {
                // A second SIGTERM: stop now.
                log.info("stopping at once");
                running.shutdown();
                io.stop();
                return;
            }
            wait_for_signal();
        });
    };
    wait_for_signal();
    service_manager.start_watchdog();
    service_manager.ready(running.status_line());
    log.info("ready");
    publish_status();
    io.run();
    appliance->reset();
    return 0;
}

int check_config(const std::filesystem::path& config_file) {
    auto config = wmsgate::daemon::load_daemon_config(config_file);
    if (!config) {
        wmsgate::daemon::console::message("wmsgated: " + config.error().message);
        return 2;
    }
    wmsgate::daemon::console::message("wmsgated: " + config_file.string() + " is valid");
    return 0;
}

int run_command(const std::vector<std::string_view>& args) {
    using namespace wmsgate::daemon;
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        console::print(std::string(usage) + "\n");
        return console::stdout_complete("wmsgated") ? 0 : 1;
    }
    if (args.size() == 2 && args[0] == "--check-config") return check_config(args[1]);
    if (args.size() == 2 && args[0] == "--config") return run(args[1]);
    if (args.empty()) return run("/etc/wmsgate/wmsgate.toml");
    console::message(usage);
    return 1;
}

}  // namespace

// An exception is a bug (errors are values here): it ends the daemon with a
// line saying so and exit 1, so systemd restarts it, instead of a core dump.
int main(int argc, char** argv) {
    try {
        return run_command({argv + 1, argv + argc});
    } catch (const std::exception& e) {
        wmsgate::daemon::console::message(std::string("wmsgated: internal error: ") + e.what());
    } catch (...) {
        wmsgate::daemon::console::message("wmsgated: internal error");
    }
    return 1;
}

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/console.hpp"
#include "daemon/ctl_commands.hpp"

namespace {

using namespace wmsgate::daemon;
using namespace wmsgate::daemon::ctl;

std::string usage_text() {
    std::string out = "usage: wmsgatectl [--socket PATH | --config FILE] COMMAND\n\ncommands:\n";
    for (const auto& command : subcommands()) {
        std::string words;
        for (const auto& word : command.words) words += word + " ";
        out += "  " + words + command.synopsis + "\n                 " + command.summary + "\n";
    }
    out +=
        "\n"
        "Tables are for people; --json gives scripts the same data.\n"
        "--expires takes a duration (90m, 12h, 30d, 2w) or a UTC date (2027-01-31, meaning\n"
        "00:00 UTC that day) or time (2027-01-31T12:00:00Z). Peer names: a-z 0-9 . _ -,\n"
        "starting with a letter or digit, at most 63.\n"
        "The socket is --socket, else daemon.control_socket of --config FILE, else\n"
        "/run/wmsgate/control.sock (systemd's wmsgate-control.socket; members of group\n"
        "wmsgate-admin may use it).\n"
        "exit codes: 0 ok, 1 usage or invalid request, 2 not found or conflict,\n"
        "            3 daemon unreachable or permission denied\n";
    return out;
}

int usage(const std::string& message) {
    std::string text = "wmsgatectl: " + message + "\n\n" + usage_text();
    text.pop_back();  // message() ends the line
    console::message(text);
    return usage_error;
}

constexpr const char* standard_socket = "/run/wmsgate/control.sock";
constexpr const char* standard_config = "/etc/wmsgate/wmsgate.toml";

// Where the daemon listens: --socket; else the control_socket of a --config
// given; else the standard path, where wmsgate-control.socket puts it under
// systemd. Only when nothing is there is the standard config consulted, and
// only if this user may read it: an admin needs no access to the config.
tl::expected<std::filesystem::path, std::string> socket_path(const Invocation& inv) {
    if (auto it = inv.options.find("--socket"); it != inv.options.end()) return it->second;
    if (auto it = inv.options.find("--config"); it != inv.options.end()) {
        auto config = load_config(it->second);
        if (!config) return tl::unexpected(config.error().message);
        return config->daemon.control_socket;
    }
    std::error_code ec;
    if (std::filesystem::exists(standard_socket, ec) || ::access(standard_config, R_OK) != 0) {
        return std::filesystem::path(standard_socket);
    }
    auto config = load_config(standard_config);
    if (!config) return std::filesystem::path(standard_socket);
    return config->daemon.control_socket;
}

int run(int argc, char** argv) {
    Invocation inv;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            words.push_back(arg);
        } else if (takes_value(arg)) {
            if (i + 1 >= argc) return usage(arg + " needs a value");
            inv.options[arg] = argv[++i];
        } else {
            inv.options[arg] = "";
        }
    }
    if (inv.has("--help")) {
        console::print(usage_text());
        return ok;
    }
    if (words.empty()) return usage("no command given");

    for (const auto& command : subcommands()) {
        const auto n = command.words.size();
        if (words.size() < n ||
            !std::equal(command.words.begin(), command.words.end(), words.begin()))
            continue;
        if (words.size() != n + (command.takes_name ? 1 : 0)) {
            return usage(command.takes_name ? "expected one peer NAME" : "unexpected operand");
        }
        if (command.takes_name) inv.name = words[n];
        for (const auto& [option, value] : inv.options) {
            if (option != "--socket" && option != "--config" && !command.options.contains(option))
                return usage("option " + option + " does not apply here");
        }
        auto socket = socket_path(inv);
        if (!socket) return usage(socket.error());
        inv.socket = *socket;
        return command.run(inv);
    }
    return usage("unknown command \"" + words[0] + (words.size() > 1 ? " " + words[1] : "") + "\"");
}

}  // namespace

// A CLI answers in one line and an exit code; it never dumps core. A result
// that did not reach stdout (`peer add alice > /full/disk/alice.conf`) is a
// failure, whatever the daemon answered.
int main(int argc, char** argv) {
    int code = usage_error;
    try {
        code = run(argc, argv);
    } catch (const std::exception& e) {
        console::message(std::string("wmsgatectl: internal error: ") + e.what());
    } catch (...) {
        console::message("wmsgatectl: internal error");
    }
    if (!console::stdout_complete("wmsgatectl") && code == ok) return usage_error;
    return code;
}

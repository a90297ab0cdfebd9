#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/control_client.hpp"

namespace {

using namespace wmsgate::daemon;

// Documented exit codes.
enum Exit { ok = 0, usage_error = 1, not_found_or_conflict = 2, unreachable = 3 };

constexpr const char* usage_text =
    "usage: wmsgatectl [--socket PATH | --config FILE] COMMAND\n"
    "\n"
    "commands:\n"
    "  peer add NAME [--groups G,..] [--public-key KEY]\n"
    "                 issue a peer; prints its wg-quick config on stdout\n"
    "  peer list [--json]\n"
    "                 list the peers\n"
    "\n"
    "The socket defaults to the config's daemon.control_socket\n"
    "(config default /etc/wmsgate/wmsgate.toml, else /run/wmsgate/control.sock).\n"
    "exit codes: 0 ok, 1 usage or invalid request, 2 not found or conflict,\n"
    "            3 daemon unreachable\n";

int usage(const std::string& message) {
    std::fprintf(stderr, "wmsgatectl: %s\n\n%s", message.c_str(), usage_text);
    return usage_error;
}

struct Arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // "--groups" -> "a,b"; flags -> ""
};

// Options that take a value; everything else starting with "--" is a flag.
bool takes_value(std::string_view option) {
    return option == "--socket" || option == "--config" || option == "--groups" ||
           option == "--public-key";
}

tl::expected<Arguments, std::string> parse_arguments(int argc, char** argv) {
    Arguments out;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) {
            out.positional.push_back(arg);
        } else if (takes_value(arg)) {
            if (i + 1 >= argc) return tl::unexpected(arg + " needs a value");
            out.options[arg] = argv[++i];
        } else if (arg == "--json" || arg == "--help") {
            out.options[arg] = "";
        } else {
            return tl::unexpected("unknown option " + arg);
        }
    }
    return out;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto item = text.substr(start, comma - start);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

tl::expected<std::filesystem::path, std::string> socket_path(const Arguments& args) {
    if (auto it = args.options.find("--socket"); it != args.options.end()) return it->second;
    std::filesystem::path config_file = "/etc/wmsgate/wmsgate.toml";
    const auto it = args.options.find("--config");
    if (it != args.options.end()) {
        config_file = it->second;
    } else if (!std::filesystem::exists(config_file)) {
        return std::filesystem::path("/run/wmsgate/control.sock");
    }
    auto config = load_config(config_file);
    if (!config) return tl::unexpected(config.error().message);
    return config->daemon.control_socket;
}

int exit_code(ControlStatus status) {
    switch (status) {
        case ControlStatus::ok:
            return ok;
        case ControlStatus::not_found:
        case ControlStatus::conflict:
            return not_found_or_conflict;
        case ControlStatus::invalid:
        case ControlStatus::failed:
            return usage_error;
    }
    return usage_error;
}

void print_peer_table(const nlohmann::json& peers) {
    std::printf("%-24s %-16s %-44s %s\n", "NAME", "ADDRESS", "PUBLIC KEY", "GROUPS");
    for (const auto& peer : peers) {
        std::string groups;
        for (const auto& g : peer.value("groups", nlohmann::json::array())) {
            groups += (groups.empty() ? "" : ",") + g.get<std::string>();
        }
        std::printf("%-24s %-16s %-44s %s\n", peer.value("name", "").c_str(),
                    peer.value("address", "").c_str(), peer.value("public_key", "").c_str(),
                    groups.empty() ? "-" : groups.c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    auto args = parse_arguments(argc, argv);
    if (!args) return usage(args.error());
    if (args->options.contains("--help")) {
        std::fputs(usage_text, stdout);
        return ok;
    }
    const auto& words = args->positional;
    ControlRequest request;
    if (words.size() == 3 && words[0] == "peer" && words[1] == "add") {
        request.command = "peer.add";
        request.args["name"] = words[2];
        if (auto it = args->options.find("--groups"); it != args->options.end()) {
            request.args["groups"] = split_list(it->second);
        }
        if (auto it = args->options.find("--public-key"); it != args->options.end()) {
            request.args["public_key"] = it->second;
        }
    } else if (words.size() == 2 && words[0] == "peer" && words[1] == "list") {
        request.command = "peer.list";
    } else {
        return usage(words.empty() ? "no command given" : "unknown command");
    }

    auto socket = socket_path(*args);
    if (!socket) return usage(socket.error());
    auto reply = call_daemon(*socket, request);
    if (!reply) {
        std::fprintf(stderr, "wmsgatectl: %s\n", reply.error().c_str());
        return unreachable;
    }
    if (reply->status != ControlStatus::ok) {
        std::fprintf(stderr, "wmsgatectl: %s\n", reply->error.c_str());
        return exit_code(reply->status);
    }
    if (request.command == "peer.add") {
        std::fputs(reply->result.value("config", "").c_str(), stdout);
        std::fprintf(stderr, "wmsgatectl: issued peer %s with address %s\n",
                     reply->result.value("name", "").c_str(),
                     reply->result.value("address", "").c_str());
    } else if (args->options.contains("--json")) {
        std::printf("%s\n", reply->result.dump(2).c_str());
    } else {
        print_peer_table(reply->result);
    }
    return ok;
}

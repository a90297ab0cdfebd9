#include "daemon/ctl_commands.hpp"

#include <cstdio>
#include <tl/expected.hpp>

#include "daemon/console.hpp"
#include "daemon/ctl_call.hpp"
#include "daemon/ctl_output.hpp"
#include "provisioning/qr_code.hpp"

namespace wmsgate::daemon::ctl {
namespace {

// A config on stdout, and as QR codes when asked for.
int print_config(const Invocation& inv, const nlohmann::json& result) {
    const std::string config = result.value("config", "");
    console::print(config);
    if (!inv.has("--qr") && !inv.has("--qr-png")) return ok;
    auto code = provisioning::encode_qr(config);
    if (!code) {
        console::message("wmsgatectl: QR code: " + code.error().message());
        return usage_error;
    }
    if (inv.has("--qr")) console::print(provisioning::qr_terminal_text(*code));
    if (const auto it = inv.options.find("--qr-png"); it != inv.options.end()) {
        if (auto written = provisioning::write_qr_png(*code, it->second); !written) {
            console::message("wmsgatectl: " + it->second + ": " + written.error().message());
            return usage_error;
        }
        console::message("wmsgatectl: wrote the QR code to " + it->second +
                         " (mode 0600: it holds the key)");
    }
    return ok;
}

int peer_add(const Invocation& inv) {
    nlohmann::json args = nlohmann::json::object();
    copy_list(inv, "--groups", args, "groups");
    copy_list(inv, "--layers", args, "layers");
    copy_text(inv, "--expires", args, "expires");
    copy_text(inv, "--public-key", args, "public_key");
    if (inv.has("--no-psk")) args["no_psk"] = true;
    auto result = call(inv, "peer.add", std::move(args));
    if (!result) return result.error();
    console::message("wmsgatectl: issued peer " + result->value("name", "") + " with address " +
                     result->value("address", ""));
    return print_config(inv, *result);
}

int peer_list(const Invocation& inv) {
    auto result = call(inv, "peer.list");
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_peer_table(*result);
    }
    return ok;
}

int peer_show(const Invocation& inv) {
    auto result = call(inv, "peer.show");
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_peer_details(*result);
    }
    return ok;
}

// set, disable, enable, revoke: the peer afterwards, as JSON if asked for.
int peer_change(const Invocation& inv, const char* command, const char* done,
                nlohmann::json args = nlohmann::json::object()) {
    auto result = call(inv, command, std::move(args));
    if (!result) return result.error();
    if (inv.has("--json")) std::printf("%s\n", result->dump(2).c_str());
    console::message("wmsgatectl: peer " + *inv.name + " " + done + " (now " +
                     result->value("state", "") + ")");
    return ok;
}

int peer_set(const Invocation& inv) {
    nlohmann::json args = nlohmann::json::object();
    copy_list(inv, "--groups", args, "groups");
    copy_list(inv, "--layers", args, "layers");
    copy_text(inv, "--expires", args, "expires");
    return peer_change(inv, "peer.set", "changed", std::move(args));
}

int peer_disable(const Invocation& inv) {
    return peer_change(inv, "peer.disable", "disabled");
}

int peer_enable(const Invocation& inv) {
    return peer_change(inv, "peer.enable", "enabled");
}

int peer_revoke(const Invocation& inv) {
    return peer_change(inv, "peer.revoke", "revoked; it is off the device and disconnected");
}

int peer_rotate(const Invocation& inv) {
    auto result = call(inv, "peer.rotate");
    if (!result) return result.error();
    console::message("wmsgatectl: peer " + *inv.name +
                     " has a new key pair; the old key no longer works");
    return print_config(inv, *result);
}

int peer_config(const Invocation& inv) {
    auto result = call(inv, "peer.config");
    if (!result) return result.error();
    return print_config(inv, *result);
}

int group_list(const Invocation& inv) {
    auto result = call(inv, "group.list");
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_group_table(*result);
    }
    return ok;
}

int layer_list(const Invocation& inv) {
    auto result = call(inv, "layer.list");
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_layer_table(*result);
    }
    return ok;
}

int status(const Invocation& inv) {
    auto result = call(inv, "status");
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_status_table(*result);
    }
    return ok;
}

int audit(const Invocation& inv) {
    nlohmann::json args = nlohmann::json::object();
    copy_text(inv, "--since", args, "since");
    auto result = call(inv, "audit", std::move(args));
    if (!result) return result.error();
    if (inv.has("--json")) {
        std::printf("%s\n", result->dump(2).c_str());
    } else {
        print_audit_table(*result);
    }
    return ok;
}

}  // namespace

bool takes_value(const std::string& option) {
    static const std::set<std::string> with_value = {"--socket", "--config",  "--groups",
                                                     "--layers", "--expires", "--public-key",
                                                     "--qr-png", "--since"};
    return with_value.contains(option);
}

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> table = {
        {{"peer", "add"},
         true,
         {"--groups", "--layers", "--expires", "--public-key", "--no-psk", "--qr", "--qr-png"},
         "NAME [--groups G,..] [--layers L,..] [--expires 30d|2027-01-31]\n"
         "                 [--public-key KEY] [--no-psk] [--qr] [--qr-png FILE]",
         "issue a peer; prints its wg-quick config on stdout (--qr: and a QR code)",
         peer_add},
        {{"peer", "list"}, false, {"--json"}, "[--json]", "list the peers", peer_list},
        {{"peer", "show"}, true, {"--json"}, "NAME [--json]", "one peer in detail", peer_show},
        {{"peer", "set"},
         true,
         {"--groups", "--layers", "--expires", "--json"},
         "NAME [--groups G,..] [--layers L,..] [--expires 30d|2027-01-31|never]",
         "change a peer's groups, direct layers or expiry, at once",
         peer_set},
        {{"peer", "disable"},
         true,
         {"--json"},
         "NAME",
         "take a peer out of service for now",
         peer_disable},
        {{"peer", "enable"},
         true,
         {"--json"},
         "NAME",
         "put a disabled peer back in service",
         peer_enable},
        {{"peer", "revoke"},
         true,
         {"--json"},
         "NAME",
         "end a peer for good; returns once it is off the tunnel and disconnected",
         peer_revoke},
        {{"peer", "rotate"},
         true,
         {"--qr", "--qr-png"},
         "NAME [--qr] [--qr-png FILE]",
         "new key pair for a peer (the old one stops at once); prints the new config",
         peer_rotate},
        {{"peer", "config"},
         true,
         {"--qr", "--qr-png"},
         "NAME [--qr] [--qr-png FILE]",
         "print a client-keyed peer's config again (without its private key)",
         peer_config},
        {{"group", "list"}, false, {"--json"}, "[--json]", "the configured groups", group_list},
        {{"layer", "list"}, false, {"--json"}, "[--json]", "the configured layers", layer_list},
        {{"status"},
         false,
         {"--json"},
         "[--json]",
         "per peer: handshake, bytes, endpoint, requests served",
         status},
        {{"audit"},
         false,
         {"--since", "--json"},
         "[--since 1h|7d|2027-01-31] [--json]",
         "the audit trail",
         audit},
    };
    return table;
}

}  // namespace wmsgate::daemon::ctl

#include "daemon/ctl_call.hpp"

#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/console.hpp"
#include "daemon/control_client.hpp"

namespace wmsgate::daemon::ctl {
namespace {

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

// The socket's mode (0660, group wmsgate-admin) lets the kernel refuse a
// non-admin before the daemon sees it, so the daemon cannot audit that call.
// It is recorded here instead, in the journal, where journald stamps the
// caller's real uid (_UID): a user cannot make it name someone else.
void record_if_refused_by_socket(const std::filesystem::path& socket, const std::string& command) {
    if (::access(socket.c_str(), R_OK | W_OK) == 0 || errno != EACCES) return;
    sd_journal_send("MESSAGE=control call refused: caller may not use %s (not in the admin group)",
                    socket.c_str(), "PRIORITY=4", "SYSLOG_IDENTIFIER=wmsgatectl", "COMMAND=%s",
                    command.c_str(), "CALLER_UID=%u", static_cast<unsigned>(::getuid()), nullptr);
}

int exit_code(ControlStatus status) {
    switch (status) {
        case ControlStatus::ok:
            return ok;
        case ControlStatus::not_found:
        case ControlStatus::conflict:
            return not_found_or_conflict;
        case ControlStatus::denied:
            return unreachable;
        case ControlStatus::invalid:
        case ControlStatus::failed:
            return usage_error;
    }
    return usage_error;
}

}  // namespace

tl::expected<nlohmann::json, int> call(const Invocation& inv, const std::string& command,
                                       nlohmann::json args) {
    if (inv.name) args["name"] = *inv.name;
    auto reply = call_daemon(inv.socket, {command, std::move(args)});
    if (!reply) {
        record_if_refused_by_socket(inv.socket, command);
        console::message("wmsgatectl: " + reply.error());
        return tl::unexpected(int{unreachable});
    }
    if (reply->status != ControlStatus::ok) {
        console::message("wmsgatectl: " + reply->error);
        return tl::unexpected(exit_code(reply->status));
    }
    return std::move(reply->result);
}

void copy_list(const Invocation& inv, const char* option, nlohmann::json& args, const char* key) {
    if (const auto it = inv.options.find(option); it != inv.options.end())
        args[key] = split_list(it->second);
}

void copy_text(const Invocation& inv, const char* option, nlohmann::json& args, const char* key) {
    if (const auto it = inv.options.find(option); it != inv.options.end()) args[key] = it->second;
}

}  // namespace wmsgate::daemon::ctl

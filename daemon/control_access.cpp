#include "daemon/control_access.hpp"

#include <grp.h>

#include <vector>

#include "daemon/socket_activation.hpp"

namespace wmsgate::daemon {
namespace {

// What to do about a control socket the daemon could not make.
std::string control_socket_hint(const std::error_code& error, const std::string& admin_group) {
    if (error == std::errc::address_in_use)
        return " (another wmsgated answers on it; stop that one first)";
    if (error == std::errc::operation_not_permitted || error == std::errc::permission_denied)
        return " (the daemon may not create it or give it to group " + admin_group +
               "; under systemd enable wmsgate-control.socket, by hand run as root)";
    return "";
}

}  // namespace

std::optional<gid_t> group_id(const std::string& name) {
    std::vector<char> buffer(16384);
    group gr{};
    group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &gr, buffer.data(), buffer.size(), &found) != 0 || !found) {
        return std::nullopt;
    }
    return found->gr_gid;
}

tl::expected<void, StartupError> listen_for_control(ControlServer& server,
                                                    const DaemonSection& daemon, const Log& log) {
    auto inherited = inherited_control_socket();
    if (!inherited) return startup_failure("control socket: " + inherited.error());
    if (*inherited) {
        if (auto ok = server.adopt(**inherited); !ok) {
            return startup_failure("control socket passed by systemd: " + ok.error().message());
        }
        log.info("control socket from systemd's socket activation");
        return {};
    }
    if (auto ok = server.start(); !ok) {
        return startup_failure("control socket " + daemon.control_socket.string() + ": " +
                               ok.error().message() +
                               control_socket_hint(ok.error(), daemon.admin_group));
    }
    return {};
}

ControlReplyFn logged_reply(const Log& log, std::string command, const Caller& caller,
                            ControlReplyFn reply) {
    return [&log, command = std::move(command), caller,
            reply = std::move(reply)](ControlReply answer) {
        log.info("control " + command, {{"COMMAND", command},
                                        {"CALLER_UID", std::to_string(caller.uid)},
                                        {"OK", answer.status == ControlStatus::ok ? "yes" : "no"}});
        reply(std::move(answer));
    };
}

void record_refused_caller(provisioning::Registry& registry, const Log& log, const Caller& caller,
                           const std::string& command) {
    const provisioning::AuditEntry entry{
        std::chrono::time_point_cast<std::chrono::seconds>(provisioning::Clock::now()),
        static_cast<std::int64_t>(caller.uid), "denied", "",
        "command=" + (command.empty() ? std::string("-") : command) +
            " pid=" + std::to_string(caller.pid)};
    if (auto ok = registry.audit(entry); !ok) {
        log.error("cannot write the audit trail", {{"ERROR", ok.error().message()}});
    }
    log.warning("control call refused: caller is not an admin",
                {{"CALLER_UID", std::to_string(caller.uid)}, {"COMMAND", command}});
}

}  // namespace wmsgate::daemon

#include "daemon/socket_activation.hpp"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <system_error>

namespace wmsgate::daemon {

tl::expected<std::optional<int>, std::string> inherited_control_socket() {
    const int count = sd_listen_fds(1);
    if (count < 0) {
        return tl::unexpected("cannot take the sockets systemd passed: " +
                              std::generic_category().message(-count));
    }
    if (count == 0) return std::nullopt;
    if (count != 1) {
        return tl::unexpected("systemd passed " + std::to_string(count) +
                              " sockets, expected one (the control socket); check the "
                              "ListenStream= lines of wmsgate-control.socket");
    }
    const int fd = SD_LISTEN_FDS_START;
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) {
        return tl::unexpected(
            std::string("the socket systemd passed is not a listening Unix stream socket; "
                        "wmsgate-control.socket must use ListenStream=/run/wmsgate/control.sock"));
    }
    return fd;
}

}  // namespace wmsgate::daemon

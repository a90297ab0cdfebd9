#include "netcfg/uapi_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

// A get reply is about 300 bytes per peer plus 40 per allowed IP; this allows
// tens of thousands of peers while bounding what a broken peer can make us hold.
constexpr std::size_t max_reply_size = std::size_t{64} * 1024 * 1024;

std::error_code system_error(int err) {
    return {err, std::system_category()};
}

std::error_code io_error(int err) {
    if (err == EAGAIN || err == EWOULDBLOCK) return make_error_code(Errc::uapi_timeout);
    return system_error(err);
}

bool set_timeouts(int fd, std::chrono::milliseconds timeout) {
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(usec / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(usec % 1000000);
    return ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0 &&
           ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0;
}

}  // namespace

std::filesystem::path uapi_socket_path(const std::filesystem::path& socket_dir,
                                       std::string_view ifname) {
    return socket_dir / (std::string(ifname) + ".sock");
}

tl::expected<UniqueFd, std::error_code> connect_uapi(const std::filesystem::path& path,
                                                     std::chrono::milliseconds timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto& text = path.native();
    if (text.size() >= sizeof addr.sun_path) return tl::unexpected(system_error(ENAMETOOLONG));
    std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);

    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return tl::unexpected(system_error(errno));
    // Set before connect: a full listen backlog makes connect block too.
    if (!set_timeouts(fd.get(), timeout)) return tl::unexpected(system_error(errno));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno == EAGAIN) return tl::unexpected(make_error_code(Errc::uapi_timeout));
        return tl::unexpected(make_error_code(Errc::uapi_unreachable));
    }
    return fd;
}

tl::expected<void, std::error_code> send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        // MSG_NOSIGNAL: a wireguard-go that dies mid-request must not SIGPIPE us.
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE || errno == ECONNRESET)
                return tl::unexpected(make_error_code(Errc::uapi_unreachable));
            return tl::unexpected(io_error(errno));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

tl::expected<std::string, std::error_code> receive_reply(int fd) {
    std::string reply;
    char buf[16384];
    while (true) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return tl::unexpected(io_error(errno));
        }
        if (n == 0) return tl::unexpected(make_error_code(Errc::uapi_protocol));
        // The blank line may straddle two reads, so look back one byte.
        const std::size_t from = reply.empty() ? 0 : reply.size() - 1;
        reply.append(buf, static_cast<std::size_t>(n));
        const auto end = reply.find("\n\n", from);
        if (end != std::string::npos) {
            // Anything after the blank line would belong to no request of ours.
            if (end + 2 != reply.size())
                return tl::unexpected(make_error_code(Errc::uapi_protocol));
            return reply;
        }
        if (reply.size() > max_reply_size)
            return tl::unexpected(make_error_code(Errc::uapi_protocol));
    }
}

}  // namespace wmsgate::netcfg

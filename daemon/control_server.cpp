#include "daemon/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <memory>
#include <vector>

namespace wmsgate::daemon {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

bool caller_is_admin(const Caller& caller, std::optional<gid_t> admin_gid) {
    if (caller.uid == 0) return true;
    if (!admin_gid) return false;
    return caller.gid == *admin_gid ||
           std::find(caller.groups.begin(), caller.groups.end(), *admin_gid) != caller.groups.end();
}

struct ControlServer::Shared {
    std::optional<gid_t> admin_gid;
    ControlHandler handler;
    DeniedHandler on_denied;
    std::chrono::milliseconds read_timeout;
};

namespace {

class ControlSession : public std::enable_shared_from_this<ControlSession> {
  public:
    ControlSession(local::socket socket, Caller caller,
                   std::shared_ptr<const ControlServer::Shared> shared)
        : socket_(std::move(socket)),
          deadline_(socket_.get_executor()),
          buffer_(max_control_line + 1),
          caller_(std::move(caller)),
          shared_(std::move(shared)) {}

    void start() {
        // A caller that never finishes its line must not hold the
        // connection (and its memory) for ever.
        deadline_.expires_after(shared_->read_timeout);
        deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec) return;
            boost::system::error_code ignored;
            self->socket_.cancel(ignored);
        });
        asio::async_read_until(
            socket_, buffer_, '\n',
            [self = shared_from_this()](boost::system::error_code ec, std::size_t length) {
                self->deadline_.cancel();
                self->on_line(ec, length);
            });
    }

  private:
    void on_line(boost::system::error_code ec, std::size_t length) {
        const bool admin = caller_is_admin(caller_, shared_->admin_gid);
        std::optional<ControlRequest> request;
        std::string problem;
        if (ec == asio::error::not_found) {
            problem =
                "request line too long (at most " + std::to_string(max_control_line) + " bytes)";
        } else if (ec == asio::error::operation_aborted) {
            problem = "no complete request line within the time limit";
        } else if (ec) {
            problem = "connection closed before a complete request line";
        } else {
            const std::string line(
                asio::buffers_begin(buffer_.data()),
                asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(length));
            auto decoded = decode_request(line);
            if (decoded) {
                request = std::move(*decoded);
            } else {
                problem = decoded.error();
            }
        }
        // The refusal is audited with the command the caller tried, if any;
        // a non-admin learns nothing else, not even whether its request parsed.
        if (!admin) {
            if (shared_->on_denied) shared_->on_denied(caller_, request ? request->command : "");
            return reply(ControlReply::failure(
                ControlStatus::denied,
                "permission denied: run as root or as a member of the admin group"));
        }
        if (!request) return reply(ControlReply::failure(ControlStatus::invalid, problem));
        shared_->handler(
            *request, caller_,
            [self = shared_from_this()](const ControlReply& answer) { self->reply(answer); });
    }

    void reply(const ControlReply& answer) {
        auto text = std::make_shared<std::string>(encode_reply(answer));
        asio::async_write(
            socket_, asio::buffer(*text),
            [self = shared_from_this(), text](boost::system::error_code, std::size_t) {
                boost::system::error_code ignored;
                self->socket_.shutdown(local::socket::shutdown_both, ignored);
            });
    }

    local::socket socket_;
    asio::steady_timer deadline_;
    asio::streambuf buffer_;
    Caller caller_;
    std::shared_ptr<const ControlServer::Shared> shared_;
};

std::error_code system_error(int err = errno) {
    return {err, std::system_category()};
}

// The caller's credentials at connect(). SO_PEERGROUPS (Linux 4.13) gives
// the supplementary groups; where it fails the caller has none, so only uid
// 0 and the gid itself can make it an admin (refusing rather than guessing).
std::optional<Caller> caller_of(int fd) {
    ucred cred{};
    socklen_t size = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0) return std::nullopt;
    Caller caller{cred.pid, cred.uid, cred.gid, {}};
    std::vector<gid_t> groups(32);
    // A too small buffer fails with ERANGE and the size needed; the groups
    // are the ones fixed at connect(), so the second try fits.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
            groups.resize(bytes / sizeof(gid_t));
            caller.groups = std::move(groups);
            break;
        }
        if (errno != ERANGE) break;
        groups.resize(bytes / sizeof(gid_t));
    }
    return caller;
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::filesystem::path path,
                             std::optional<gid_t> admin_gid, ControlHandler handler,
                             DeniedHandler on_denied, std::chrono::milliseconds read_timeout)
    : acceptor_(io),
      path_(std::move(path)),
      shared_(std::make_shared<const Shared>(
          Shared{admin_gid, std::move(handler), std::move(on_denied), read_timeout})) {}

ControlServer::~ControlServer() {
    stop();
}

tl::expected<void, std::error_code> ControlServer::start() {
    std::error_code fs_error;
    std::filesystem::create_directories(path_.parent_path(), fs_error);
    if (fs_error) return tl::unexpected(fs_error);

    if (std::filesystem::exists(path_)) {
        local::socket probe(acceptor_.get_executor());
        boost::system::error_code ec;
        probe.connect(local::endpoint(path_.string()), ec);
        if (!ec) return tl::unexpected(std::make_error_code(std::errc::address_in_use));
        std::filesystem::remove(path_, fs_error);
    }

    boost::system::error_code ec;
    acceptor_.open(local(), ec);
    if (!ec) acceptor_.bind(local::endpoint(path_.string()), ec);
    if (ec) return tl::unexpected(std::error_code(ec.value(), std::system_category()));
    if (::chmod(path_.c_str(), 0660) != 0) return tl::unexpected(system_error());
    if (shared_->admin_gid &&
        ::chown(path_.c_str(), static_cast<uid_t>(-1), *shared_->admin_gid) != 0) {
        return tl::unexpected(system_error());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return tl::unexpected(std::error_code(ec.value(), std::system_category()));
    accept();
    return {};
}

tl::expected<void, std::error_code> ControlServer::adopt(int listening_fd) {
    boost::system::error_code ec;
    acceptor_.assign(local(), listening_fd, ec);
    if (ec) return tl::unexpected(std::error_code(ec.value(), std::system_category()));
    path_.clear();
    accept();
    return {};
}

void ControlServer::stop() {
    if (!acceptor_.is_open()) return;
    boost::system::error_code ec;
    acceptor_.close(ec);
    if (path_.empty()) return;
    std::error_code fs_error;
    std::filesystem::remove(path_, fs_error);
}

void ControlServer::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, local::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            if (auto caller = caller_of(socket.native_handle())) {
                std::make_shared<ControlSession>(std::move(socket), std::move(*caller), shared_)
                    ->start();
            }
        }
        accept();
    });
}

}  // namespace wmsgate::daemon

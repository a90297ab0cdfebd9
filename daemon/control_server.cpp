#include "daemon/control_server.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <vector>

namespace wmsgate::daemon {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

bool caller_is_admin(const Caller& caller, std::optional<gid_t> admin_gid) {
    if (caller.uid == 0) return true;
    if (!admin_gid) return false;
    if (caller.gid == *admin_gid) return true;
    // Supplementary groups of the calling user, as the group database has them.
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (::getpwuid_r(caller.uid, &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
        return false;
    }
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) return false;
    }
    groups.resize(static_cast<std::size_t>(count));
    for (gid_t g : groups)
        if (g == *admin_gid) return true;
    return false;
}

namespace {

class ControlSession : public std::enable_shared_from_this<ControlSession> {
  public:
    ControlSession(local::socket socket, Caller caller, std::optional<gid_t> admin_gid,
                   std::shared_ptr<const ControlHandler> handler)
        : socket_(std::move(socket)),
          buffer_(max_control_line + 1),
          caller_(caller),
          admin_gid_(admin_gid),
          handler_(std::move(handler)) {}

    void start() {
        if (!caller_is_admin(caller_, admin_gid_)) {
            reply(ControlReply::failure(ControlStatus::invalid,
                                        "permission denied: run as root or as a member of the "
                                        "admin group"));
            return;
        }
        asio::async_read_until(
            socket_, buffer_, '\n',
            [self = shared_from_this()](boost::system::error_code ec, std::size_t length) {
                self->on_line(ec, length);
            });
    }

  private:
    void on_line(boost::system::error_code ec, std::size_t length) {
        if (ec) {
            if (ec == asio::error::not_found) {
                reply(ControlReply::failure(ControlStatus::invalid, "request line too long"));
            }
            return;
        }
        std::string line(asio::buffers_begin(buffer_.data()),
                         asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(length));
        auto request = decode_request(line);
        if (!request) {
            reply(ControlReply::failure(ControlStatus::invalid, request.error()));
            return;
        }
        reply((*handler_)(*request, caller_));
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
    asio::streambuf buffer_;
    Caller caller_;
    std::optional<gid_t> admin_gid_;
    std::shared_ptr<const ControlHandler> handler_;
};

std::error_code system_error(int err = errno) {
    return {err, std::system_category()};
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, std::filesystem::path path,
                             std::optional<gid_t> admin_gid, ControlHandler handler)
    : acceptor_(io),
      path_(std::move(path)),
      admin_gid_(admin_gid),
      handler_(std::make_shared<const ControlHandler>(std::move(handler))) {}

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
    if (admin_gid_ && ::chown(path_.c_str(), static_cast<uid_t>(-1), *admin_gid_) != 0) {
        return tl::unexpected(system_error());
    }
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return tl::unexpected(std::error_code(ec.value(), std::system_category()));
    accept();
    return {};
}

void ControlServer::stop() {
    if (!acceptor_.is_open()) return;
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::error_code fs_error;
    std::filesystem::remove(path_, fs_error);
}

void ControlServer::accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, local::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            ucred cred{};
            socklen_t size = sizeof cred;
            if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &size) == 0) {
                std::make_shared<ControlSession>(
                    std::move(socket), Caller{cred.pid, cred.uid, cred.gid}, admin_gid_, handler_)
                    ->start();
            }
        }
        accept();
    });
}

}  // namespace wmsgate::daemon

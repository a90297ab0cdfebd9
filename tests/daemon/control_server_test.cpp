// The control socket as a non-admin and a careless admin see it. Needs root:
// it checks the socket's owner group and drops to uid 65534 in a child.

#include "daemon/control_server.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace wmsgate::daemon {
namespace {
namespace fs = std::filesystem;

// Sends `request` raw and returns the reply line ("" when none came).
std::string round_trip(const fs::path& socket_path, const std::string& request) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "connect failed";
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char buffer[4096];
    for (;;) {
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
}

class ControlServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        std::string pattern = (fs::temp_directory_path() / "wmsgate-ctl-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        ::chmod(dir_.c_str(), 0711);  // the unprivileged child must reach the socket
        server_ = std::make_unique<ControlServer>(
            io_, dir_ / "control.sock", gid_t{4242},
            [this](const ControlRequest& request, const Caller&, ControlReplyFn reply) {
                ++handled_;
                reply(ControlReply::success({{"echo", request.command}}));
            },
            [this](const Caller& caller, const std::string& command) {
                denied_.push_back(std::to_string(caller.uid) + " " + command);
            },
            std::chrono::milliseconds(300));
        ASSERT_TRUE(server_->start());
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        if (!server_) return;
        boost::asio::post(io_, [this] {
            server_->stop();
            io_.stop();
        });
        thread_.join();
        fs::remove_all(dir_);
    }

    // Runs round_trip() in a child with uid 65534, the given gid and the
    // given supplementary groups (none by default).
    std::string round_trip_as_nobody(const std::string& request, gid_t gid = 65534,
                                     std::vector<gid_t> groups = {}) {
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0) return "pipe failed";
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(pipe_fds[0]);
            if (::setgroups(groups.size(), groups.data()) != 0 || ::setgid(gid) != 0 ||
                ::setuid(65534) != 0)
                ::_exit(2);
            const auto reply = round_trip(dir_ / "control.sock", request);
            (void)!::write(pipe_fds[1], reply.data(), reply.size());
            ::_exit(0);
        }
        ::close(pipe_fds[1]);
        std::string reply;
        char buffer[4096];
        for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
            reply.append(buffer, static_cast<std::size_t>(n));
        ::close(pipe_fds[0]);
        ::waitpid(pid, nullptr, 0);
        return reply;
    }

    boost::asio::io_context io_;
    std::unique_ptr<ControlServer> server_;
    std::thread thread_;
    fs::path dir_;
    int handled_ = 0;
    std::vector<std::string> denied_;
};

const std::string list_request = R"({"version":1,"command":"peer.list","args":{}})"
                                 "\n";

TEST_F(ControlServerTest, SocketIsMode0660InTheAdminGroup) {
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "control.sock").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    EXPECT_EQ(st.st_gid, 4242u);
}

TEST_F(ControlServerTest, NonAdminCannotConnectToTheSocket) {
    EXPECT_EQ(round_trip_as_nobody(list_request), "connect failed");
    EXPECT_EQ(handled_, 0);
}

TEST_F(ControlServerTest, SoPeercredRefusesANonAdminAndTheRefusalIsReported) {
    ::chmod((dir_ / "control.sock").c_str(), 0666);  // as a careless admin might
    const auto reply = round_trip_as_nobody(list_request);
    EXPECT_NE(reply.find(R"("status":"denied")"), std::string::npos) << reply;
    EXPECT_EQ(handled_, 0);
    ASSERT_EQ(denied_.size(), 1u);
    EXPECT_EQ(denied_[0], "65534 peer.list");
}

TEST_F(ControlServerTest, ACallerWhoseGroupIsTheAdminGroupIsServed) {
    const auto reply = round_trip_as_nobody(list_request, 4242);
    EXPECT_NE(reply.find(R"("echo":"peer.list")"), std::string::npos) << reply;
}

// uid 65534's entry in the group database has no group 4242: only the
// process's own credentials (SO_PEERGROUPS) can make it an admin.
TEST_F(ControlServerTest, ACallerHoldingTheAdminGroupAsASupplementaryGroupIsServed) {
    const auto reply = round_trip_as_nobody(list_request, 65534, {100, 4242, 4243});
    EXPECT_NE(reply.find(R"("echo":"peer.list")"), std::string::npos) << reply;
    EXPECT_EQ(handled_, 1);
    EXPECT_TRUE(denied_.empty());
}

TEST_F(ControlServerTest, SupplementaryGroupsOtherThanTheAdminGroupDoNotCount) {
    ::chmod((dir_ / "control.sock").c_str(), 0666);
    const auto reply = round_trip_as_nobody(list_request, 65534, {100, 4243});
    EXPECT_NE(reply.find(R"("status":"denied")"), std::string::npos) << reply;
    EXPECT_EQ(handled_, 0);
    ASSERT_EQ(denied_.size(), 1u);
}

TEST(CallerIsAdmin, RootTheAdminGidOrTheAdminGroupAmongTheGroups) {
    EXPECT_TRUE(caller_is_admin({1, 0, 0, {}}, std::nullopt));
    EXPECT_TRUE(caller_is_admin({1, 0, 5, {}}, gid_t{4242}));
    EXPECT_TRUE(caller_is_admin({1, 1000, 4242, {}}, gid_t{4242}));
    EXPECT_TRUE(caller_is_admin({1, 1000, 1000, {27, 4242}}, gid_t{4242}));
    EXPECT_FALSE(caller_is_admin({1, 1000, 1000, {27, 4243}}, gid_t{4242}));
    EXPECT_FALSE(caller_is_admin({1, 1000, 1000, {}}, gid_t{4242}));
    // Without an admin group only root is an admin.
    EXPECT_FALSE(caller_is_admin({1, 1000, 4242, {4242}}, std::nullopt));
}

TEST_F(ControlServerTest, ProtocolErrorsAreRefusedClearly) {
    const auto sock = dir_ / "control.sock";
    EXPECT_NE(round_trip(sock, "not json\n").find("not a JSON object"), std::string::npos);
    EXPECT_NE(round_trip(sock, R"({"version":9,"command":"peer.list"})"
                               "\n")
                  .find("unsupported protocol version"),
              std::string::npos);
    EXPECT_NE(round_trip(sock, std::string(max_control_line + 10, 'x')).find("too long"),
              std::string::npos);
    // A caller that never ends its line is cut off.
    EXPECT_NE(round_trip(sock, R"({"version":1)").find("time limit"), std::string::npos);
    EXPECT_EQ(handled_, 0);
}

}  // namespace
}  // namespace wmsgate::daemon

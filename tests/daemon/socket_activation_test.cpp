// inherited_control_socket: what systemd's socket activation may pass, read
// from the LISTEN_* variables as sd_listen_fds does, with real sockets at
// fd 3 (SD_LISTEN_FDS_START).

#include "daemon/socket_activation.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace wmsgate::daemon {
namespace {

// Puts `fd` at SD_LISTEN_FDS_START (and `second` after it) for the life of
// the object, with LISTEN_PID and LISTEN_FDS naming this process and count.
class PassedSockets {
  public:
    PassedSockets(int fd, int count, int second = -1) {
        saved_ = ::dup(SD_LISTEN_FDS_START);
        saved_next_ = ::dup(SD_LISTEN_FDS_START + 1);
        ::dup2(fd, SD_LISTEN_FDS_START);
        if (second >= 0) ::dup2(second, SD_LISTEN_FDS_START + 1);
        ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
        ::setenv("LISTEN_FDS", std::to_string(count).c_str(), 1);
    }
    ~PassedSockets() {
        restore(saved_, SD_LISTEN_FDS_START);
        restore(saved_next_, SD_LISTEN_FDS_START + 1);
        ::unsetenv("LISTEN_PID");
        ::unsetenv("LISTEN_FDS");
    }

  private:
    static void restore(int saved, int at) {
        if (saved >= 0) {
            ::dup2(saved, at);
            ::close(saved);
        } else {
            ::close(at);
        }
    }
    int saved_ = -1;
    int saved_next_ = -1;
};

class SocketActivationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("wmsgate-activation-" + std::to_string(::getpid()) + ".sock");
        std::filesystem::remove(path_);
    }
    void TearDown() override {
        for (const int fd : fds_) ::close(fd);
        std::filesystem::remove(path_);
        ::unsetenv("LISTEN_PID");
        ::unsetenv("LISTEN_FDS");
    }
    int unix_socket(int type, bool listening) {
        const int fd = ::socket(AF_UNIX, type, 0);
        fds_.push_back(fd);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
        std::filesystem::remove(path_);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        if (listening) {
            EXPECT_EQ(::listen(fd, 4), 0);
        }
        return fd;
    }

    std::filesystem::path path_;
    std::vector<int> fds_;
};

TEST_F(SocketActivationTest, NothingPassedMeansTheDaemonMakesItsOwn) {
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    const auto got = inherited_control_socket();
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(*got, std::nullopt);
}

TEST_F(SocketActivationTest, SocketsPassedToAnotherProcessAreNotOurs) {
    PassedSockets passed(unix_socket(SOCK_STREAM, true), 1);
    ::setenv("LISTEN_PID", std::to_string(::getpid() + 1).c_str(), 1);
    const auto got = inherited_control_socket();
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(*got, std::nullopt);
}

TEST_F(SocketActivationTest, OneListeningUnixStreamSocketIsTaken) {
    PassedSockets passed(unix_socket(SOCK_STREAM, true), 1);
    const auto got = inherited_control_socket();
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(*got, std::optional<int>(SD_LISTEN_FDS_START));
    // Unset, so that wireguard-go, started later, sees none of it.
    EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
}

TEST_F(SocketActivationTest, TwoSocketsAreRefusedNamingTheUnitsLines) {
    const int first = unix_socket(SOCK_STREAM, true);
    const int second = ::socket(AF_UNIX, SOCK_STREAM, 0);
    fds_.push_back(second);
    PassedSockets passed(first, 2, second);
    const auto got = inherited_control_socket();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(),
              "systemd passed 2 sockets, expected one (the control socket); check the "
              "ListenStream= lines of wmsgate-control.socket");
}

TEST_F(SocketActivationTest, ASocketThatDoesNotListenIsRefused) {
    PassedSockets passed(unix_socket(SOCK_STREAM, false), 1);
    const auto got = inherited_control_socket();
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().find("not a listening Unix stream socket"), std::string::npos)
        << got.error();
}

TEST_F(SocketActivationTest, ADatagramSocketIsRefused) {
    PassedSockets passed(unix_socket(SOCK_DGRAM, false), 1);
    const auto got = inherited_control_socket();
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().find("not a listening Unix stream socket"), std::string::npos)
        << got.error();
}

TEST_F(SocketActivationTest, ABadCountIsAnErrorWorded) {
    PassedSockets passed(unix_socket(SOCK_STREAM, true), 1);
    ::setenv("LISTEN_FDS", "many", 1);
    const auto got = inherited_control_socket();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().rfind("cannot take the sockets systemd passed: ", 0), 0u) << got.error();
}

}  // namespace
}  // namespace wmsgate::daemon

#include "netcfg/uapi_device.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "netcfg/errors.hpp"
#include "netcfg/unique_fd.hpp"

namespace wmsgate::netcfg {
namespace {

using namespace std::chrono_literals;

// A stand-in for wireguard-go: listens on dir/IFNAME.sock, answers one
// connection with a canned reply (or not at all) and records the request.
class FakeUapiServer {
  public:
    FakeUapiServer(const std::filesystem::path& socket, std::string reply, bool answer = true)
        : listener_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_.get(), 4) != 0) {
            ADD_FAILURE() << "cannot listen on " << socket;
            return;
        }
        thread_ = std::thread([this, reply = std::move(reply), answer] {
            UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!conn) return;
            char buf[4096];
            while (request_.find("\n\n") == std::string::npos) {
                const ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
                if (n <= 0) return;
                request_.append(buf, static_cast<std::size_t>(n));
            }
            if (answer) {
                ::send(conn.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
            } else {
                // Stall until the client gives up and closes.
                while (::recv(conn.get(), buf, sizeof buf, 0) > 0) {
                }
            }
        });
    }
    ~FakeUapiServer() {
        if (thread_.joinable()) thread_.join();
    }
    // Valid once the client call has returned and the server thread is joined.
    const std::string& request() {
        if (thread_.joinable()) thread_.join();
        return request_;
    }

  private:
    UniqueFd listener_;
    std::thread thread_;
    std::string request_;
};

class UapiDeviceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/netcfg-uapi-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(UapiDeviceTest, GetSendsGetAndDecodes) {
    FakeUapiServer server(dir_ / "wgfake.sock", "listen_port=4242\nerrno=0\n\n");
    UapiDevice device("wgfake", dir_, 2000ms);
    EXPECT_EQ(device.interface_name(), "wgfake");
    auto state = device.get();
    ASSERT_TRUE(state) << state.error().message();
    EXPECT_EQ(state->listen_port, 4242);
    EXPECT_EQ(server.request(), "get=1\n\n");
}

TEST_F(UapiDeviceTest, ApplySendsTheEncodedRequest) {
    FakeUapiServer server(dir_ / "wgfake.sock", "errno=0\n\n");
    UapiDevice device("wgfake", dir_, 2000ms);
    DeviceUpdate update;
    update.listen_port = 51820;
    ASSERT_TRUE(device.apply(update));
    EXPECT_EQ(server.request(), "set=1\nlisten_port=51820\n\n");
}

TEST_F(UapiDeviceTest, RejectedSetIsReported) {
    FakeUapiServer server(dir_ / "wgfake.sock", "errno=-22\n\n");
    UapiDevice device("wgfake", dir_, 2000ms);
    DeviceUpdate update;
    update.listen_port = 1;
    auto done = device.apply(update);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error(), make_error_code(Errc::uapi_rejected));
}

TEST_F(UapiDeviceTest, EmptyUpdateDoesNoIo) {
    UapiDevice device("wgfake", dir_ / "nonexistent", 100ms);
    EXPECT_TRUE(device.apply(DeviceUpdate{}));
}

TEST_F(UapiDeviceTest, MissingSocketIsUnreachable) {
    UapiDevice device("wgfake", dir_, 100ms);
    auto state = device.get();
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error(), make_error_code(Errc::uapi_unreachable));
}

TEST_F(UapiDeviceTest, StalledServerTimesOut) {
    FakeUapiServer server(dir_ / "wgfake.sock", "", /*answer=*/false);
    UapiDevice device("wgfake", dir_, 200ms);
    const auto start = std::chrono::steady_clock::now();
    auto state = device.get();
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error(), make_error_code(Errc::uapi_timeout));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(UapiDeviceTest, BadEndpointChangesNothing) {
    UapiDevice device("wgfake", dir_, 100ms);  // no server: nothing may be sent
    DeviceUpdate update;
    PeerUpdate change;
    change.peer.endpoint = "192.0.2.1:1\nprivate_key=00";
    update.peers.push_back(change);
    auto done = device.apply(update);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error(), make_error_code(Errc::invalid_endpoint));
}

TEST_F(UapiDeviceTest, InvalidNameNeverBecomesAPath) {
    UapiDevice device("../escape", dir_, 100ms);
    auto state = device.get();
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error(), make_error_code(Errc::interface_name_invalid));
}

}  // namespace
}  // namespace wmsgate::netcfg

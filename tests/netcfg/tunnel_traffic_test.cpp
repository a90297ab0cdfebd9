// Two wireguard-go devices in two network namespaces, joined by a veth pair
// and configured only through netcfg: a TCP exchange through the tunnel
// shows the configuration carries traffic, not just that it reads back.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "integration_fixture.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/uapi_device.hpp"
#include "netcfg/unique_fd.hpp"

namespace wmsgate::netcfg::testing {
namespace {

using namespace std::chrono_literals;

// A namespace made with `ip netns add`, deleted by name when done (the
// namespace itself lives on until the last process in it is gone).
class NamedNetns {
  public:
    explicit NamedNetns(std::string name) : name_(std::move(name)) {
        run_command("ip netns add " + name_);
    }
    NamedNetns(const NamedNetns&) = delete;
    NamedNetns& operator=(const NamedNetns&) = delete;
    ~NamedNetns() { (void)std::system(("ip netns del " + name_ + " 2>/dev/null").c_str()); }
    const std::string& name() const { return name_; }

  private:
    std::string name_;
};

// Moves the calling thread into a named namespace and back when destroyed.
class EnterNetns {
  public:
    explicit EnterNetns(const std::string& name)
        : origin_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
        UniqueFd target(::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC));
        entered_ = origin_ && target && ::setns(target.get(), CLONE_NEWNET) == 0;
    }
    EnterNetns(const EnterNetns&) = delete;
    EnterNetns& operator=(const EnterNetns&) = delete;
    ~EnterNetns() {
        if (entered_) ::setns(origin_.get(), CLONE_NEWNET);
    }
    bool entered() const { return entered_; }

  private:
    UniqueFd origin_;
    bool entered_ = false;
};

// Addresses on a link and the link up, plus loopback up, in the current namespace.
void bring_up(const std::string& link, const std::string& address) {
    auto rtnl = Rtnetlink::open();
    ASSERT_TRUE(rtnl);
    auto index = rtnl->link_index(link);
    ASSERT_TRUE(index) << link << ": " << index.error().message();
    ASSERT_TRUE(rtnl->add_address(*index, *IpPrefix::parse(address)));
    ASSERT_TRUE(rtnl->set_link_up(*index));
    ASSERT_TRUE(rtnl->set_link_up(*rtnl->link_index("lo")));
}

sockaddr_in ipv4(const char* address, std::uint16_t port) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &sin.sin_addr);
    return sin;
}

// Waits for `events` on fd; the deadline only bounds a hang, it decides nothing.
bool wait_for(int fd, short events, std::chrono::milliseconds timeout = 20s) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

using TunnelTraffic = NetnsTest;

TEST_F(TunnelTraffic, TcpPassesBetweenTwoNamespacesThroughTheTunnel) {
    const std::string pid = std::to_string(::getpid());
    NamedNetns other("wgt-" + pid + "-peer");
    const std::string veth_here = "vth" + pid + "a";
    const std::string veth_there = "vth" + pid + "b";
    run_command("ip link add " + veth_here + " type veth peer name " + veth_there + " netns " +
                other.name());

    // Here: wireguard-go A on 10.201.0.1, reached over 192.168.201.1.
    ASSERT_NE(start_wireguard_go('a'), nullptr);
    ASSERT_NO_FATAL_FAILURE(bring_up(veth_here, "192.168.201.1/24"));
    ASSERT_NO_FATAL_FAILURE(bring_up(ifname('a'), "10.201.0.1/24"));

    // There: wireguard-go B on 10.201.0.2, and a TCP listener on the tunnel address.
    UniqueFd listener;
    {
        EnterNetns there(other.name());
        ASSERT_TRUE(there.entered());
        ASSERT_NE(start_wireguard_go('b'), nullptr);
        ASSERT_NO_FATAL_FAILURE(bring_up(veth_there, "192.168.201.2/24"));
        ASSERT_NO_FATAL_FAILURE(bring_up(ifname('b'), "10.201.0.2/24"));
        listener.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const auto addr = ipv4("10.201.0.2", 7777);
        ASSERT_EQ(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0)
            << std::strerror(errno);
        ASSERT_EQ(::listen(listener.get(), 1), 0);
    }

    // Configure both ends through the UAPI sockets (shared by all namespaces).
    const auto key_a = SecretKey::generate_private();
    const auto key_b = SecretKey::generate_private();
    DeviceUpdate a;
    a.private_key = key_a;
    a.listen_port = 51821;
    WgPeer peer_b;
    peer_b.public_key = key_b.public_key();
    peer_b.allowed_ips = {*IpPrefix::parse("10.201.0.2/32")};
    peer_b.endpoint = "192.168.201.2:51822";
    a.peers = {{PeerUpdate::Kind::upsert, peer_b}};
    DeviceUpdate b;
    b.private_key = key_b;
    b.listen_port = 51822;
    WgPeer peer_a;
    peer_a.public_key = key_a.public_key();
    peer_a.allowed_ips = {*IpPrefix::parse("10.201.0.1/32")};
    peer_a.endpoint = "192.168.201.1:51821";
    b.peers = {{PeerUpdate::Kind::upsert, peer_a}};
    auto applied_a = UapiDevice(ifname('a')).apply(a);
    ASSERT_TRUE(applied_a) << applied_a.error().message();
    auto applied_b = UapiDevice(ifname('b')).apply(b);
    ASSERT_TRUE(applied_b) << applied_b.error().message();

    // Connect from here to there, through the tunnel.
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    const auto server = ipv4("10.201.0.2", 7777);
    const int rc =
        ::connect(client.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server);
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
    ASSERT_TRUE(wait_for(listener.get(), POLLIN)) << "no connection arrived through the tunnel";
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    UniqueFd accepted(
        ::accept4(listener.get(), reinterpret_cast<sockaddr*>(&from), &from_len, SOCK_CLOEXEC));
    ASSERT_TRUE(accepted) << std::strerror(errno);
    // The remote address is A's tunnel address: the packet came through WireGuard.
    char from_text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &from.sin_addr, from_text, sizeof from_text);
    EXPECT_STREQ(from_text, "10.201.0.1");

    ASSERT_TRUE(wait_for(client.get(), POLLOUT));
    const std::string hello = "hello through the tunnel";
    ASSERT_EQ(::send(client.get(), hello.data(), hello.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(hello.size()));
    std::string received;
    while (received.size() < hello.size() && wait_for(accepted.get(), POLLIN)) {
        char buf[64];
        const ssize_t n = ::recv(accepted.get(), buf, sizeof buf, 0);
        if (n <= 0) break;
        received.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(received, hello);

    // Independently: wg(8) saw a handshake with B and bytes both ways.
    const auto handshakes = run_command("wg show " + ifname('a') + " latest-handshakes");
    EXPECT_EQ(handshakes.find(peer_b.public_key.base64() + "\t0\n"), std::string::npos)
        << handshakes;
    EXPECT_NE(handshakes.find(peer_b.public_key.base64()), std::string::npos) << handshakes;
}

}  // namespace
}  // namespace wmsgate::netcfg::testing

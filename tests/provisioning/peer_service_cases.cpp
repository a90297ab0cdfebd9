#include "peer_service_cases.hpp"

#include <set>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning::testing {

std::string device_case_name(const ::testing::TestParamInfo<DeviceCase>& info) {
    return info.param.name;
}

namespace {
namespace ip = boost::asio::ip;

constexpr std::int64_t admin = 0;

std::set<std::string> texts(const std::vector<netcfg::IpPrefix>& prefixes) {
    std::set<std::string> out;
    for (const auto& prefix : prefixes) out.insert(prefix.to_string());
    return out;
}

PeerChange layers_only(std::vector<std::string> layers) {
    PeerChange change;
    change.layers = std::move(layers);
    return change;
}

Seconds now_seconds() {
    return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
}

}  // namespace

void PeerServiceCases::SetUp() {
    auto made = GetParam().make();
    if (!made && made.error().skip) GTEST_SKIP() << made.error().reason;
    ASSERT_TRUE(made) << made.error().reason;
    device_ = std::move(*made);
    prefixes_ = {netcfg::IpPrefix::parse("10.77.0.1/24").value(),
                 netcfg::IpPrefix::parse("fd77::1/64").value()};
    registry_.emplace(Registry::open(dir_ / "registry.sqlite3").value());
    service_.emplace(*registry_, device(), prefixes_);
}

void PeerServiceCases::TearDown() {
    service_.reset();
    registry_.reset();
    device_.reset();
}

std::optional<netcfg::WgPeer> PeerServiceCases::on_device(const netcfg::PublicKey& key) {
    auto state = device().get();
    EXPECT_TRUE(state) << state.error().message();
    if (!state) return std::nullopt;
    for (auto& peer : state->peers)
        if (peer.public_key == key) return std::move(peer);
    return std::nullopt;
}

void PeerServiceCases::expect_device_is_projection() {
    auto state = device().get();
    ASSERT_TRUE(state) << state.error().message();
    auto peers = registry_->list();
    ASSERT_TRUE(peers);
    std::size_t in_service = 0;
    for (const auto& peer : *peers) {
        SCOPED_TRACE(peer.name);
        const auto held = on_device(peer.public_key);
        if (peer.state(Clock::now()) != PeerState::active) {
            EXPECT_FALSE(held) << "a peer out of service is on the device";
            continue;
        }
        ++in_service;
        ASSERT_TRUE(held) << "a peer in service is missing from the device";
        std::set<std::string> own{peer.ipv4.to_string() + "/32"};
        if (peer.ipv6) own.insert(peer.ipv6->to_string() + "/128");
        EXPECT_EQ(texts(held->allowed_ips), own);
        ASSERT_EQ(held->preshared_key.has_value(), peer.preshared_key.has_value());
        if (peer.preshared_key) {
            EXPECT_TRUE(*held->preshared_key == *peer.preshared_key);
        }
    }
    EXPECT_EQ(state->peers.size(), in_service) << "the device holds peers the registry has not";
}

PeerAdded PeerServiceCases::add(const std::string& name) {
    PeerRequest request;
    request.name = name;
    request.groups = {"survey"};
    auto added = service_->add(request, admin);
    EXPECT_TRUE(added) << name << ": " << added.error().code.message();
    return added ? std::move(*added) : PeerAdded{};
}

Peer PeerServiceCases::store(const std::string& name, const char* ipv4,
                             std::optional<Seconds> expires) {
    NewPeer peer;
    peer.name = name;
    peer.public_key = netcfg::SecretKey::generate_private().public_key();
    peer.preshared_key = netcfg::SecretKey::generate_preshared();
    peer.ipv4 = ip::make_address_v4(ipv4);
    peer.expires = expires;
    auto stored = registry_->add(peer);
    EXPECT_TRUE(stored);
    return stored ? *stored : Peer{};
}

namespace {

TEST_P(PeerServiceCases, AddedPeersHoldExactlyTheirOwnAddressesOnTheDevice) {
    const auto alice = add("alice");
    const auto bob = add("bob");
    EXPECT_EQ(alice.peer.ipv4.to_string(), "10.77.0.2");
    EXPECT_EQ(bob.peer.ipv4.to_string(), "10.77.0.3");
    ASSERT_TRUE(bob.peer.ipv6);
    EXPECT_EQ(bob.peer.ipv6->to_string(), "fd77::3");
    ASSERT_TRUE(alice.private_key) << "an appliance-made pair is returned once";
    EXPECT_EQ(alice.private_key->public_key(), alice.peer.public_key);
    EXPECT_TRUE(alice.peer.preshared_key);
    expect_device_is_projection();
}

TEST_P(PeerServiceCases, AClientKeyIsUsedAsGivenAndNoPrivateKeyComesBack) {
    PeerRequest request;
    request.name = "carol";
    request.client_key = netcfg::SecretKey::generate_private().public_key();
    request.preshared_key = PeerRequest::PresharedKey::none;
    auto added = service_->add(request, admin);
    ASSERT_TRUE(added) << added.error().code.message();
    EXPECT_FALSE(added->private_key);
    EXPECT_EQ(added->peer.key_origin, KeyOrigin::client);
    EXPECT_EQ(added->peer.public_key, *request.client_key);
    EXPECT_FALSE(added->peer.preshared_key);
    expect_device_is_projection();
}

TEST_P(PeerServiceCases, ARefusedAddChangesNothing) {
    const auto alice = add("alice");
    PeerRequest again;
    again.name = "alice";
    auto refused = service_->add(again, admin);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().stage, PeerError::Stage::registry);
    EXPECT_EQ(refused.error().code, Errc::name_taken);
    expect_device_is_projection();
    EXPECT_EQ(add("bob").peer.ipv4.to_string(), "10.77.0.3") << "no address was used up";
}

TEST_P(PeerServiceCases, DisableTakesThePeerOffAndEnablePutsItBackAsItWas) {
    const auto alice = add("alice");
    const auto before = on_device(alice.peer.public_key);
    ASSERT_TRUE(before);
    auto disabled = service_->set_in_service("alice", InService::no, admin);
    ASSERT_TRUE(disabled);
    EXPECT_FALSE(disabled->device_error);
    EXPECT_EQ(disabled->to_disconnect, (std::vector<ip::address>{ip::make_address("10.77.0.2"),
                                                                 ip::make_address("fd77::2")}));
    EXPECT_FALSE(on_device(alice.peer.public_key));
    expect_device_is_projection();

    auto enabled = service_->set_in_service("alice", InService::yes, admin);
    ASSERT_TRUE(enabled);
    EXPECT_TRUE(enabled->to_disconnect.empty()) << "an enable closes nothing";
    const auto after = on_device(alice.peer.public_key);
    ASSERT_TRUE(after);
    EXPECT_EQ(texts(after->allowed_ips), texts(before->allowed_ips));
    expect_device_is_projection();
}

TEST_P(PeerServiceCases, RevokeIsFinal) {
    const auto alice = add("alice");
    add("bob");
    auto revoked = service_->revoke("alice", admin);
    ASSERT_TRUE(revoked);
    EXPECT_EQ(revoked->peer.state(Clock::now()), PeerState::revoked);
    EXPECT_EQ(revoked->to_disconnect.size(), 2u);
    expect_device_is_projection();
    for (auto again : {service_->set_in_service("alice", InService::yes, admin),
                       service_->revoke("alice", admin),
                       service_->set("alice", layers_only({"ortho"}), admin)}) {
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error().code, Errc::revoked);
    }
    EXPECT_EQ(service_->rotate("alice", admin).error().code, Errc::revoked);
    expect_device_is_projection();
    EXPECT_EQ(add("carol").peer.ipv4.to_string(), "10.77.0.4")
        << "a revoked peer's address is not given out again";
}

TEST_P(PeerServiceCases, RotateSwapsTheKeyKeepingTheAddresses) {
    const auto alice = add("alice");
    auto rotated = service_->rotate("alice", admin);
    ASSERT_TRUE(rotated) << rotated.error().code.message();
    const auto& peer = rotated->changed.peer;
    EXPECT_NE(peer.public_key, alice.peer.public_key);
    EXPECT_EQ(rotated->private_key.public_key(), peer.public_key);
    EXPECT_EQ(peer.ipv4, alice.peer.ipv4);
    EXPECT_FALSE(rotated->changed.to_disconnect.empty()) << "the old key's connections close";
    EXPECT_FALSE(on_device(alice.peer.public_key));
    ASSERT_TRUE(peer.preshared_key);
    EXPECT_FALSE(*peer.preshared_key == *alice.peer.preshared_key);
    expect_device_is_projection();
}

TEST_P(PeerServiceCases, SetChangesGrantsWithoutTouchingTheDeviceEntry) {
    const auto alice = add("alice");
    auto change = layers_only({"ortho"});
    change.groups = std::vector<std::string>{};
    auto changed = service_->set("alice", change, admin);
    ASSERT_TRUE(changed);
    EXPECT_TRUE(changed->peer.groups.empty());
    EXPECT_EQ(changed->peer.layers, (std::vector<std::string>{"ortho"}));
    EXPECT_TRUE(changed->to_disconnect.empty());
    expect_device_is_projection();
    EXPECT_EQ(service_->set("nobody", layers_only({"ortho"}), admin).error().code, Errc::not_found);
}

TEST_P(PeerServiceCases, ExpireTakesThePeersOfTheSpanOffTheDevice) {
    const auto now = now_seconds();
    store("soon-a", "10.77.0.10", now - std::chrono::seconds(5));
    store("soon-b", "10.77.0.11", now - std::chrono::seconds(3));
    store("later", "10.77.0.12", now + std::chrono::hours(1));
    store("never", "10.77.0.13");
    // Converged a minute ago, all four were in service.
    ASSERT_TRUE(service_->converge(netcfg::SecretKey::generate_private(), 51820,
                                   now - std::chrono::seconds(60)));
    EXPECT_EQ(device().get()->peers.size(), 4u);

    const auto expired = service_->expire(now - std::chrono::seconds(60), now);
    ASSERT_EQ(expired.peers.size(), 2u);
    EXPECT_EQ(expired.to_disconnect.size(), 2u);
    EXPECT_FALSE(expired.device_error);
    expect_device_is_projection();
    EXPECT_TRUE(service_->expire(now - std::chrono::seconds(60), now - std::chrono::seconds(6))
                    .peers.empty());
}

TEST_P(PeerServiceCases, ConvergeLeavesExactlyThePeersInServiceWithTheServersIdentity) {
    const auto now = now_seconds();
    store("active", "10.77.0.10");
    store("off", "10.77.0.11");
    store("gone", "10.77.0.12");
    store("past", "10.77.0.13", now - std::chrono::seconds(1));
    ASSERT_TRUE(registry_->set_disabled("off", true, {}));
    ASSERT_TRUE(registry_->revoke("gone", now, {}));
    // What a crashed run or a hand edit may leave: a stranger, and a peer
    // of ours with an address that is not its own.
    netcfg::DeviceUpdate leftovers;
    netcfg::WgPeer stranger;
    stranger.public_key = netcfg::SecretKey::generate_private().public_key();
    stranger.allowed_ips = {netcfg::IpPrefix::parse("10.77.0.99/32").value()};
    leftovers.peers.push_back({netcfg::PeerUpdate::Kind::upsert, stranger});
    auto widened = device_peer(*registry_->find("active").value());
    widened.allowed_ips.push_back(netcfg::IpPrefix::parse("10.77.0.0/24").value());
    leftovers.peers.push_back({netcfg::PeerUpdate::Kind::upsert, widened});
    ASSERT_TRUE(device().apply(leftovers));

    const auto server = netcfg::SecretKey::generate_private();
    auto converged = service_->converge(server, 51821, Clock::now());
    ASSERT_TRUE(converged) << converged.error().code.message();
    EXPECT_EQ(converged->peers_in_service, 1u);
    expect_device_is_projection();
    const auto state = device().get();
    ASSERT_TRUE(state && state->public_key);
    EXPECT_EQ(*state->public_key, server.public_key());
    EXPECT_EQ(state->listen_port, 51821);

    auto again = service_->converge(server, 51821, Clock::now());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->changes.peers_written + again->changes.peers_removed, 0u)
        << "a device in step gets no update";
}

}  // namespace
}  // namespace wmsgate::provisioning::testing

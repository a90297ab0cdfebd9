#include "provisioning/policy.hpp"

#include <gtest/gtest.h>

#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {
namespace ip = boost::asio::ip;

Peer peer(std::string name, const char* ipv4, std::vector<std::string> groups) {
    Peer p;
    p.name = std::move(name);
    p.public_key = test::public_key(test::client_public_b64);
    p.ipv4 = ip::make_address_v4(ipv4);
    p.groups = std::move(groups);
    return p;
}

class PolicyTest : public ::testing::Test {
  protected:
    const GroupLayers groups{
        {"survey", {"ortho", "parcels"}},
        {"night", {"lights", "ortho"}},
    };
    const PolicySnapshot policy{
        {peer("alice", "10.77.0.2", {"survey"}), peer("bob", "10.77.0.3", {"survey", "night"}),
         peer("carol", "10.77.0.4", {"gone"}), peer("dave", "10.77.0.5", {})},
        groups};
};

TEST_F(PolicyTest, PeerSeesItsGroupsLayers) {
    const auto access = policy.lookup(ip::make_address("10.77.0.2"));
    ASSERT_TRUE(access);
    EXPECT_EQ(access->peer, "alice");
    EXPECT_EQ(access->layers, (std::set<std::string>{"ortho", "parcels"}));
}

TEST_F(PolicyTest, PeerInTwoGroupsSeesTheUnion) {
    const auto access = policy.lookup(ip::make_address("10.77.0.3"));
    ASSERT_TRUE(access);
    EXPECT_EQ(access->peer, "bob");
    EXPECT_EQ(access->layers, (std::set<std::string>{"lights", "ortho", "parcels"}));
}

TEST_F(PolicyTest, UnknownGroupOrNoGroupGrantsNothingButThePeerIsKnown) {
    const auto carol = policy.lookup(ip::make_address("10.77.0.4"));
    ASSERT_TRUE(carol);
    EXPECT_EQ(carol->peer, "carol");
    EXPECT_TRUE(carol->layers.empty());

    const auto dave = policy.lookup(ip::make_address("10.77.0.5"));
    ASSERT_TRUE(dave);
    EXPECT_EQ(dave->peer, "dave");
    EXPECT_TRUE(dave->layers.empty());
}

TEST_F(PolicyTest, UnknownAddressIsNobody) {
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.99")));
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.1")));
    EXPECT_FALSE(policy.lookup(ip::make_address("fd77::2")));
    EXPECT_FALSE(PolicySnapshot().lookup(ip::make_address("10.77.0.2")));
}

TEST_F(PolicyTest, V4MappedV6IsLookedUpAsV4) {
    const auto access = policy.lookup(ip::make_address("::ffff:10.77.0.3"));
    ASSERT_TRUE(access);
    EXPECT_EQ(access->peer, "bob");
    EXPECT_EQ(access->layers, (std::set<std::string>{"lights", "ortho", "parcels"}));

    EXPECT_FALSE(policy.lookup(ip::make_address("::ffff:10.77.0.99")));
    // Only the mapped form means IPv4; an IPv4-compatible ::a.b.c.d does not.
    EXPECT_FALSE(policy.lookup(ip::make_address("::10.77.0.3")));
}

TEST(PolicyStates, DirectLayersAndIpv6AndOutOfServicePeers) {
    const auto now = Clock::now();
    const auto in = [&](int s) {
        return std::chrono::time_point_cast<std::chrono::seconds>(now + std::chrono::seconds(s));
    };
    Peer direct = peer("erin", "10.77.0.6", {"survey"});
    direct.layers = {"dem"};
    direct.ipv6 = ip::make_address_v6("fd77::6");
    direct.expires = in(60);
    Peer disabled = peer("frank", "10.77.0.7", {"survey"});
    disabled.disabled = true;
    Peer revoked = peer("gina", "10.77.0.8", {"survey"});
    revoked.revoked = in(-60);
    const PolicySnapshot policy({direct, disabled, revoked}, {{"survey", {"ortho"}}});

    const auto v4 = policy.lookup(ip::make_address("10.77.0.6"), now);
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->layers, (std::set<std::string>{"dem", "ortho"}));
    const auto v6 = policy.lookup(ip::make_address("fd77::6"), now);
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->peer, "erin");
    // Expiry holds from its second on, whatever the snapshot's age.
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.6"), in(60)));
    EXPECT_FALSE(policy.lookup(ip::make_address("fd77::6"), in(61)));
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.7"), now));
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.8"), now));
}

TEST_F(PolicyTest, WithChangesOnlyTheNamedPeersAndLeavesTheOriginalAlone) {
    Peer alice = peer("alice", "10.77.0.2", {"night"});
    alice.ipv6 = ip::make_address_v6("fd77::2");
    const auto next = policy.with({alice, peer("erin", "10.77.0.6", {"survey"})}, groups);

    EXPECT_EQ(next.lookup(ip::make_address("10.77.0.2"))->layers,
              (std::set<std::string>{"lights", "ortho"}));
    EXPECT_EQ(next.lookup(ip::make_address("fd77::2"))->peer, "alice");
    EXPECT_EQ(next.lookup(ip::make_address("10.77.0.6"))->peer, "erin");
    EXPECT_EQ(next.lookup(ip::make_address("10.77.0.3"))->peer, "bob");
    EXPECT_EQ(next.lookup(ip::make_address("10.77.0.5"))->peer, "dave");
    EXPECT_EQ(next.peers_in_service(Clock::now()), 5u);

    // Snapshots are immutable: the one readers may still hold is unchanged.
    EXPECT_EQ(policy.lookup(ip::make_address("10.77.0.2"))->layers,
              (std::set<std::string>{"ortho", "parcels"}));
    EXPECT_FALSE(policy.lookup(ip::make_address("10.77.0.6")));
    EXPECT_EQ(policy.peers_in_service(Clock::now()), 4u);
}

TEST_F(PolicyTest, WithDropsPeersTakenOutOfService) {
    Peer bob = peer("bob", "10.77.0.3", {"survey", "night"});
    bob.revoked = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
    Peer carol = peer("carol", "10.77.0.4", {"gone"});
    carol.disabled = true;
    const auto next = policy.with({bob, carol}, groups);
    EXPECT_FALSE(next.lookup(ip::make_address("10.77.0.3")));
    EXPECT_FALSE(next.lookup(ip::make_address("10.77.0.4")));
    EXPECT_EQ(next.lookup(ip::make_address("10.77.0.2"))->peer, "alice");
    EXPECT_EQ(next.peers_in_service(Clock::now()), 2u);

    // Enabled again, carol is back.
    carol.disabled = false;
    EXPECT_EQ(next.with({carol}, groups).lookup(ip::make_address("10.77.0.4"))->peer, "carol");
}

// Step by step, the copy-on-write snapshot answers every address exactly as
// one built whole from the same peers.
TEST(PolicyWith, AgreesWithAWholeRebuild) {
    const GroupLayers groups{{"a", {"l1"}}, {"b", {"l2", "l3"}}};
    const auto now = Clock::now();
    std::vector<Peer> peers;
    PolicySnapshot incremental;
    for (int i = 0; i < 60; ++i) {
        const std::string name = "p" + std::to_string(i % 40);
        Peer p =
            peer(name, ("10.77.0." + std::to_string(2 + i % 40)).c_str(), {i % 3 == 0 ? "a" : "b"});
        if (i % 2 == 0) p.ipv6 = ip::make_address_v6("fd77::" + std::to_string(2 + i % 40));
        if (i % 7 == 0) p.disabled = true;
        if (i % 11 == 0) p.layers = {"l9"};
        if (i % 13 == 0)
            p.expires =
                std::chrono::time_point_cast<std::chrono::seconds>(now) - std::chrono::seconds(1);
        std::erase_if(peers, [&](const Peer& q) { return q.name == name; });
        peers.push_back(p);
        incremental = incremental.with({p}, groups);

        const PolicySnapshot whole(peers, groups);
        ASSERT_EQ(incremental.peers_in_service(now), whole.peers_in_service(now)) << "step " << i;
        for (int host = 1; host < 45; ++host) {
            for (const auto& text :
                 {"10.77.0." + std::to_string(host), "fd77::" + std::to_string(host)}) {
                const auto a = incremental.lookup(ip::make_address(text), now);
                const auto b = whole.lookup(ip::make_address(text), now);
                ASSERT_EQ(a.has_value(), b.has_value()) << text << " step " << i;
                if (a) {
                    EXPECT_EQ(a->peer, b->peer);
                    EXPECT_EQ(a->layers, b->layers);
                }
            }
        }
    }
}

}  // namespace
}  // namespace wmsgate::provisioning

namespace wmsgate::provisioning {
namespace {

// Areas: a group may limit its layers to areas; a peer sees each layer in
// the union of its groups' areas, or whole when any grant is whole.
class PolicyAreas : public ::testing::Test {
  protected:
    const GroupLayers groups{
        {"district7", {"ortho", "dem"}},
        {"district8", {"ortho"}},
        {"everywhere", {"dem"}},
    };
    const GroupAreas areas{
        {"district7", {{"ortho", "d7.gpkg"}, {"dem", "d7-dem.gpkg"}}},
        {"district8", {{"ortho", "d8.gpkg"}}},
    };
    std::optional<PeerAccess> access(std::vector<std::string> peer_groups,
                                     std::vector<std::string> direct = {}) const {
        Peer p = peer("p", "10.77.0.2", std::move(peer_groups));
        p.layers = std::move(direct);
        return PolicySnapshot({p}, groups, areas).lookup(ip::make_address("10.77.0.2"));
    }
};

TEST_F(PolicyAreas, OneGroupsAreasPerLayer) {
    const auto a = access({"district7"});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->layers, (std::set<std::string>{"dem", "ortho"}));
    EXPECT_EQ(a->areas.at("ortho"), (std::set<AreaKey>{"d7.gpkg"}));
    EXPECT_EQ(a->areas.at("dem"), (std::set<AreaKey>{"d7-dem.gpkg"}));
}

TEST_F(PolicyAreas, SeveralGroupsGiveTheUnion) {
    const auto a = access({"district7", "district8"});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->areas.at("ortho"), (std::set<AreaKey>{"d7.gpkg", "d8.gpkg"}));
}

TEST_F(PolicyAreas, AnyWholeGrantWins) {
    const auto by_group = access({"district7", "everywhere"});
    ASSERT_TRUE(by_group);
    EXPECT_FALSE(by_group->areas.contains("dem"));
    EXPECT_TRUE(by_group->layers.contains("dem"));
    EXPECT_TRUE(by_group->areas.contains("ortho"));
    const auto direct = access({"district8"}, {"ortho"});
    ASSERT_TRUE(direct);
    EXPECT_TRUE(direct->areas.empty());
    EXPECT_TRUE(direct->layers.contains("ortho"));
}

TEST_F(PolicyAreas, IncrementalChangesCarryAreas) {
    Peer p = peer("p", "10.77.0.2", {"everywhere"});
    const PolicySnapshot before({p}, groups, areas);
    EXPECT_TRUE(before.lookup(ip::make_address("10.77.0.2"))->areas.empty());
    p.groups = {"district8"};
    const auto after = before.with({p}, groups, areas).lookup(ip::make_address("10.77.0.2"));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->layers, (std::set<std::string>{"ortho"}));
    EXPECT_EQ(after->areas.at("ortho"), (std::set<AreaKey>{"d8.gpkg"}));
}

}  // namespace
}  // namespace wmsgate::provisioning

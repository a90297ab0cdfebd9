// The PostgreSQL registry against a real PostgreSQL 15 (a temporary cluster
// that `tests/support/pg_cluster.sh run` starts; WMSGATE_TEST_PG names
// it). Every test gets a database of its own.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "provisioning/errors.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/pg.hpp"
#include "provisioning/pg_change_feed.hpp"
#include "provisioning/pg_schema.hpp"
#include "provisioning/registry.hpp"
#include "support/fake_wg_device.hpp"
#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {
namespace ip = boost::asio::ip;

// Runs SQL as the cluster's superuser, behind the registry's back.
std::string admin_sql(const std::string& dsn, const std::string& sql) {
    PGconn* conn = PQconnectdb(dsn.c_str());
    std::string out;
    if (PQstatus(conn) == CONNECTION_OK) {
        PGresult* result = PQexec(conn, sql.c_str());
        const auto status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) out = PQgetvalue(result, 0, 0);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
            ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
        PQclear(result);
    } else {
        ADD_FAILURE() << "cannot connect: " << PQerrorMessage(conn);
    }
    PQfinish(conn);
    return out;
}

NewPeer new_peer(const std::string& name, const char* ipv4, std::string_view key_b64) {
    NewPeer peer;
    peer.name = name;
    peer.public_key = test::public_key(key_b64);
    peer.ipv4 = ip::make_address_v4(ipv4);
    return peer;
}

class PgRegistryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* cluster = std::getenv("WMSGATE_TEST_PG");
        if (cluster == nullptr) GTEST_SKIP() << "WMSGATE_TEST_PG is not set (run via ctest)";
        cluster_ = cluster;
        static int counter = 0;
        database_ = "wmsgate_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        admin_sql(cluster_, "CREATE DATABASE " + database_);
        // In a connection string a keyword given twice takes the last value.
        dsn_ = cluster_ + " dbname=" + database_;
    }
    void TearDown() override {
        if (!database_.empty()) admin_sql(cluster_, "DROP DATABASE " + database_ + " WITH (FORCE)");
    }

    Registry open() {
        auto registry = Registry::open_postgresql(dsn_);
        EXPECT_TRUE(registry) << registry.error().detail;
        return std::move(registry).value();
    }
    std::string sql(const std::string& text) { return admin_sql(dsn_, text); }

    // Waits up to `tenths` tenths of a second for notices on the feed.
    std::vector<ChangeNotice> notices(PgChangeFeed& feed, const std::string& own_origin,
                                      int tenths = 50) {
        std::vector<ChangeNotice> out;
        for (int i = 0; i < tenths && out.empty(); ++i) {
            pollfd fd{feed.socket(), POLLIN, 0};
            if (::poll(&fd, 1, 100) <= 0) continue;
            auto taken = feed.take(own_origin);
            EXPECT_TRUE(taken);
            if (taken) out = std::move(*taken);
        }
        return out;
    }

    std::string cluster_, database_, dsn_;
};

TEST_F(PgRegistryTest, NewDatabaseIsMigratedOnceToTheLatestSchema) {
    auto first = open();
    auto second = open();  // finds the schema made, applies nothing
    EXPECT_EQ(sql("SELECT version FROM wmsgate_schema"),
              std::to_string(latest_pg_schema_version()));
    EXPECT_EQ(sql("SELECT count(*) FROM wmsgate_schema"), "1");
    EXPECT_TRUE(first.list().value().empty());
    EXPECT_EQ(first.kind(), RegistryKind::postgresql);
}

TEST_F(PgRegistryTest, NewerSchemaIsRefusedAndLeftAlone) {
    { auto registry = open(); }
    sql("UPDATE wmsgate_schema SET version = 99");
    auto registry = Registry::open_postgresql(dsn_);
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, Errc::schema_too_new);
    EXPECT_EQ(sql("SELECT version FROM wmsgate_schema"), "99");
}

TEST_F(PgRegistryTest, UnreachableServerIsReportedWithLibpqsWords) {
    auto registry = Registry::open_postgresql("host=/nonexistent-wmsgate-dir port=5432 user=x");
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error().code, Errc::database_unreachable);
    EXPECT_NE(registry.error().detail.find("/nonexistent-wmsgate-dir"), std::string::npos)
        << registry.error().detail;
}

TEST_F(PgRegistryTest, RoundTripKeepsEveryFieldInByteOrder) {
    auto registry = open();
    auto alice = new_peer("alice", "10.77.0.2", test::client_public_b64);
    alice.preshared_key = test::secret_key(test::psk_b64);
    alice.ipv6 = ip::make_address_v6("fd77::2");
    alice.groups = {"survey", "Admin", "survey"};
    alice.layers = {"ortho"};
    alice.expires = Seconds(std::chrono::seconds(4102444800));
    alice.key_origin = KeyOrigin::appliance;
    auto added = registry.add(alice, {1000, "test"});
    ASSERT_TRUE(added) << added.error().message();
    auto found = registry.find("alice").value();
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, added->id);
    EXPECT_EQ(found->public_key, alice.public_key);
    ASSERT_TRUE(found->preshared_key);
    EXPECT_TRUE(*found->preshared_key == *alice.preshared_key);
    EXPECT_EQ(found->ipv4, alice.ipv4);
    EXPECT_EQ(found->ipv6, alice.ipv6);
    // Byte order: "Admin" before "survey", as SQLite sorts them.
    EXPECT_EQ(found->groups, (std::vector<std::string>{"Admin", "survey"}));
    EXPECT_EQ(found->groups, added->groups);
    EXPECT_EQ(found->layers, std::vector<std::string>{"ortho"});
    EXPECT_EQ(found->expires, alice.expires);
    EXPECT_EQ(found->key_origin, KeyOrigin::appliance);
    EXPECT_EQ(found->created, added->created);
    EXPECT_FALSE(registry.find("nobody").value());
}

TEST_F(PgRegistryTest, DuplicatesAreRefusedByNameAndChangeNothing) {
    auto registry = open();
    auto alice = new_peer("alice", "10.77.0.2", test::client_public_b64);
    alice.ipv6 = ip::make_address_v6("fd77::2");
    ASSERT_TRUE(registry.add(alice));
    auto same_name = new_peer("alice", "10.77.0.9", test::other_public_b64);
    EXPECT_EQ(registry.add(same_name).error(), Errc::name_taken);
    auto same_key = new_peer("bob", "10.77.0.9", test::client_public_b64);
    EXPECT_EQ(registry.add(same_key).error(), Errc::public_key_taken);
    auto same_v4 = new_peer("bob", "10.77.0.2", test::other_public_b64);
    EXPECT_EQ(registry.add(same_v4).error(), Errc::address_taken);
    auto same_v6 = new_peer("bob", "10.77.0.9", test::other_public_b64);
    same_v6.ipv6 = ip::make_address_v6("fd77::2");
    EXPECT_EQ(registry.add(same_v6).error(), Errc::address_taken);
    EXPECT_EQ(registry.list().value().size(), 1u);
    EXPECT_EQ(sql("SELECT count(*) FROM audit"), "1");
}

// Between an appliance's check and its insert another may insert the same
// value: then the constraint refuses, and its error must still say which
// value clashed (pg::exec maps the constraint's name).
TEST_F(PgRegistryTest, TheConstraintsNameTheClashTheChecksCannotSee) {
    auto registry = open();
    ASSERT_TRUE(registry.add(new_peer("alice", "10.77.0.2", test::client_public_b64)));
    sql("UPDATE peers SET ipv6 = 'fd77::2'");
    PGconn* conn = PQconnectdb(dsn_.c_str());
    const auto insert = [&](const char* name, const char* key, const char* v4, const char* v6) {
        return pg::exec(conn,
                        "INSERT INTO peers (name, public_key, ipv4, ipv6, created) "
                        "VALUES ($1, $2, $3, $4, 0)",
                        {name, key, v4, v6 ? pg::Param(v6) : std::nullopt})
            .error();
    };
    EXPECT_EQ(insert("alice", "k", "10.77.0.9", nullptr), Errc::name_taken);
    EXPECT_EQ(insert("bob", std::string(test::client_public_b64).c_str(), "10.77.0.9", nullptr),
              Errc::public_key_taken);
    EXPECT_EQ(insert("bob", "k", "10.77.0.2", nullptr), Errc::address_taken);
    EXPECT_EQ(insert("bob", "k", "10.77.0.9", "fd77::2"), Errc::address_taken);
    PQfinish(conn);
}

TEST_F(PgRegistryTest, ChangesAreAuditedAndRevocationIsFinal) {
    auto registry = open();
    ASSERT_TRUE(registry.add(new_peer("alice", "10.77.0.2", test::client_public_b64), {7, ""}));
    PeerChange change;
    change.groups = std::vector<std::string>{"survey"};
    EXPECT_EQ(registry.change("alice", change, {7, ""}).value().groups,
              std::vector<std::string>{"survey"});
    EXPECT_TRUE(registry.set_disabled("alice", true, {7, ""}).value().disabled);
    EXPECT_FALSE(registry.set_disabled("alice", false, {7, ""}).value().disabled);
    const auto when = Seconds(std::chrono::seconds(1800000000));
    EXPECT_EQ(registry.revoke("alice", when, {7, ""}).value().revoked, when);
    EXPECT_EQ(registry.change("alice", change, {7, ""}).error(), Errc::revoked);
    EXPECT_EQ(registry.revoke("nobody", when, {7, ""}).error(), Errc::not_found);

    std::vector<std::string> actions;
    const auto entries = registry.audit_since({}).value();
    for (const auto& entry : entries) {
        actions.push_back(entry.action);
        EXPECT_EQ(entry.caller_uid, 7);
        EXPECT_EQ(entry.peer, "alice");
    }
    EXPECT_EQ(actions, (std::vector<std::string>{"peer.add", "peer.set", "peer.disable",
                                                 "peer.enable", "peer.revoke"}));
}

TEST_F(PgRegistryTest, RotateReplacesTheKeyAndRemoveDeletesTheRow) {
    auto registry = open();
    ASSERT_TRUE(registry.add(new_peer("alice", "10.77.0.2", test::client_public_b64)));
    ASSERT_TRUE(registry.add(new_peer("bob", "10.77.0.3", test::other_public_b64)));
    EXPECT_EQ(registry
                  .rotate_key("alice", test::public_key(test::other_public_b64), std::nullopt,
                              KeyOrigin::appliance, {})
                  .error(),
              Errc::public_key_taken);
    auto rotated = registry.rotate_key("alice", test::public_key(test::appliance_public_b64),
                                       test::secret_key(test::psk_b64), KeyOrigin::appliance, {});
    ASSERT_TRUE(rotated);
    EXPECT_EQ(rotated->public_key, test::public_key(test::appliance_public_b64));
    EXPECT_TRUE(registry.remove("bob"));
    EXPECT_EQ(registry.remove("bob").error(), Errc::not_found);
    EXPECT_EQ(registry.taken_addresses().value().size(), 1u);
}

TEST_F(PgRegistryTest, ExpiriesAreFoundAmongPeersInService) {
    auto registry = open();
    auto at = [](long s) { return Seconds(std::chrono::seconds(s)); };
    auto a = new_peer("a", "10.77.0.2", test::client_public_b64);
    a.expires = at(1000);
    auto b = new_peer("b", "10.77.0.3", test::other_public_b64);
    b.expires = at(2000);
    auto c = new_peer("c", "10.77.0.4", test::appliance_public_b64);
    c.expires = at(1500);
    ASSERT_TRUE(registry.add(a) && registry.add(b) && registry.add(c));
    ASSERT_TRUE(registry.set_disabled("c", true, {}));
    EXPECT_EQ(registry.next_expiry(at(0)).value(), at(1000));
    EXPECT_EQ(registry.next_expiry(at(1000)).value(), at(2000));
    EXPECT_FALSE(registry.next_expiry(at(2000)).value());
    EXPECT_EQ(registry.expiring(at(0), at(2000)).value(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(PgRegistryTest, TheFirstServerKeyIsTheFleetsAndOthersGetItBack) {
    auto first = open();
    auto second = open();
    const auto ours = test::public_key(test::appliance_public_b64);
    const auto theirs = test::public_key(test::other_public_b64);
    EXPECT_EQ(first.claim_server_key(ours).value(), ours);
    EXPECT_EQ(second.claim_server_key(theirs).value(), ours);
    EXPECT_EQ(first.claim_server_key(ours).value(), ours);
}

TEST_F(PgRegistryTest, EveryChangeReachesTheOtherAppliancesListeningAtCommit) {
    auto here = open();
    auto there = open();
    auto feed = PgChangeFeed::open(dsn_);
    ASSERT_TRUE(feed) << feed.error();
    ASSERT_TRUE(there.add(new_peer("alice", "10.77.0.2", test::client_public_b64)));
    auto got = notices(*feed, here.change_origin());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].peer, "alice");
    EXPECT_EQ(got[0].origin, there.change_origin());
    EXPECT_FALSE(got[0].old_key);

    // The rotation names the key that must leave every device.
    ASSERT_TRUE(there.rotate_key("alice", test::public_key(test::other_public_b64), std::nullopt,
                                 KeyOrigin::appliance, {}));
    got = notices(*feed, here.change_origin());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].old_key, test::public_key(test::client_public_b64));

    // Its own changes an appliance has applied already: filtered out.
    ASSERT_TRUE(here.revoke("alice", Seconds(std::chrono::seconds(1)), {}));
    EXPECT_TRUE(notices(*feed, here.change_origin(), 5).empty());
    // A refused change sends nothing either.
    EXPECT_FALSE(there.revoke("alice", Seconds(std::chrono::seconds(1)), {}));
    EXPECT_TRUE(notices(*feed, here.change_origin(), 5).empty());
}

TEST_F(PgRegistryTest, AFeedSeesTheServerGo) {
    auto feed = PgChangeFeed::open(dsn_);
    ASSERT_TRUE(feed) << feed.error();
    // Cut this one connection, as a server shutting down does to all.
    admin_sql(dsn_,
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
        pollfd fd{feed->socket(), POLLIN, 0};
        if (::poll(&fd, 1, 100) <= 0) continue;
        auto taken = feed->take("");
        gone = !taken && taken.error() == Errc::database_unreachable;
    }
    EXPECT_TRUE(gone);
}

TEST_F(PgRegistryTest, ARegistryReconnectsAfterItsConnectionWasCut) {
    auto registry = open();
    ASSERT_TRUE(registry.add(new_peer("alice", "10.77.0.2", test::client_public_b64)));
    admin_sql(dsn_,
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    EXPECT_EQ(registry.list().value().size(), 1u);
}

// Two processes, each an appliance with its own registry connection, pool
// and device, add peers at the same moment: every add succeeds with its own
// addresses, and of two adds of one name exactly one wins.
TEST_F(PgRegistryTest, TwoAppliancesAddingAtOnceGetDistinctAddresses) {
    { auto migrated = open(); }
    constexpr int own_peers = 25;
    constexpr int shared_names = 10;
    std::vector<pid_t> children;
    for (int child = 0; child < 2; ++child) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int failures = 0;
            {
                auto registry = Registry::open_postgresql(dsn_);
                if (!registry) ::_exit(100);
                netcfg::testing::FakeWgDevice device;
                const std::vector<netcfg::IpPrefix> prefixes{
                    netcfg::IpPrefix::parse("10.77.0.1/24").value()};
                PeerService service(*registry, device, prefixes);
                for (int i = 0; i < own_peers + shared_names; ++i) {
                    PeerRequest request;
                    request.name = i < own_peers
                                       ? "c" + std::to_string(child) + "-" + std::to_string(i)
                                       : "shared-" + std::to_string(i);
                    auto added = service.add(request, 0);
                    const bool lost_shared =
                        !added && i >= own_peers && added.error().code == Errc::name_taken;
                    if (!added && !lost_shared) {
                        ++failures;
                        std::fprintf(stderr, "appliance %d: add %s: %s\n", child,
                                     request.name.c_str(), added.error().code.message().c_str());
                    }
                }
            }
            ::_exit(failures > 99 ? 99 : failures);
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0) << "adds that failed in one appliance";
    }
    auto registry = open();
    const auto peers = registry.list().value();
    EXPECT_EQ(peers.size(), static_cast<std::size_t>(2 * own_peers + shared_names));
    std::set<ip::address_v4> addresses;
    for (const auto& peer : peers) addresses.insert(peer.ipv4);
    EXPECT_EQ(addresses.size(), peers.size());
    EXPECT_EQ(sql("SELECT count(*) FROM audit WHERE action = 'peer.add'"),
              std::to_string(peers.size()));
}

}  // namespace
}  // namespace wmsgate::provisioning

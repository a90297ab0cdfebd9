#include "provisioning/registry.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "provisioning/errors.hpp"
#include "provisioning/schema.hpp"
#include "tests/provisioning/raw_sql.hpp"
#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {
namespace fs = std::filesystem;
namespace ip = boost::asio::ip;

using test::raw_exec;

std::int64_t raw_count(const fs::path& file, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    std::int64_t count = -1;
    if (sqlite3_open(file.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
}

mode_t file_mode(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

void expect_same(const Peer& a, const Peer& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.public_key, b.public_key);
    EXPECT_EQ(a.preshared_key.has_value(), b.preshared_key.has_value());
    if (a.preshared_key && b.preshared_key) {
        EXPECT_TRUE(*a.preshared_key == *b.preshared_key);
    }
    EXPECT_EQ(a.ipv4, b.ipv4);
    EXPECT_EQ(a.groups, b.groups);
    EXPECT_EQ(a.created, b.created);
}

NewPeer alice() {
    NewPeer peer;
    peer.name = "alice";
    peer.public_key = test::public_key(test::client_public_b64);
    peer.preshared_key = test::secret_key(test::psk_b64);
    peer.ipv4 = ip::make_address_v4("10.77.0.2");
    peer.groups = {"survey", "admin", "survey"};
    return peer;
}

NewPeer bob() {
    NewPeer peer;
    peer.name = "bob";
    peer.public_key = test::public_key(test::other_public_b64);
    peer.ipv4 = ip::make_address_v4("10.77.0.3");
    return peer;
}

class RegistryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "wmsgate-registry-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        file_ = dir_ / "registry.sqlite";
    }
    void TearDown() override { fs::remove_all(dir_); }

    Registry open() {
        auto registry = Registry::open(file_);
        EXPECT_TRUE(registry) << registry.error().message();
        return std::move(registry).value();
    }

    fs::path dir_;
    fs::path file_;
};

TEST_F(RegistryTest, NewDatabaseIsEmptyAndAtTheLatestSchema) {
    auto registry = open();
    EXPECT_TRUE(registry.list().value().empty());
    EXPECT_EQ(raw_count(file_, "PRAGMA user_version"), latest_schema_version());
}

TEST_F(RegistryTest, DatabaseIsInWalMode) {
    auto registry = open();
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

TEST_F(RegistryTest, RoundTripKeepsEveryField) {
    auto registry = open();
    const auto before =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto added_bob = registry.add(bob()).value();
    const auto added_alice = registry.add(alice()).value();
    const auto after = std::chrono::system_clock::now();

    EXPECT_EQ(added_alice.name, "alice");
    EXPECT_EQ(added_alice.public_key, test::public_key(test::client_public_b64));
    ASSERT_TRUE(added_alice.preshared_key);
    EXPECT_TRUE(*added_alice.preshared_key == test::secret_key(test::psk_b64));
    EXPECT_EQ(added_alice.ipv4, ip::make_address_v4("10.77.0.2"));
    EXPECT_EQ(added_alice.groups, (std::vector<std::string>{"admin", "survey"}));
    EXPECT_GE(added_alice.created, before);
    EXPECT_LE(added_alice.created, after);
    EXPECT_NE(added_alice.id, added_bob.id);
    EXPECT_FALSE(added_bob.preshared_key);
    EXPECT_TRUE(added_bob.groups.empty());

    const auto found = registry.find("alice").value();
    ASSERT_TRUE(found);
    expect_same(*found, added_alice);

    const auto peers = registry.list().value();
    ASSERT_EQ(peers.size(), 2u);  // by name, not by insertion
    expect_same(peers[0], added_alice);
    expect_same(peers[1], added_bob);
}

TEST_F(RegistryTest, FindUnknownIsNullopt) {
    auto registry = open();
    ASSERT_TRUE(registry.add(alice()));
    EXPECT_FALSE(registry.find("carol").value());
    EXPECT_FALSE(registry.find("ALICE").value());
    EXPECT_FALSE(registry.find("").value());
}

TEST_F(RegistryTest, DuplicatesAreRefusedAndChangeNothing) {
    auto registry = open();
    const auto original = registry.add(alice()).value();

    NewPeer same_name = bob();
    same_name.name = "alice";
    NewPeer same_key = bob();
    same_key.public_key = alice().public_key;
    NewPeer same_address = bob();
    same_address.ipv4 = alice().ipv4;

    EXPECT_EQ(registry.add(same_name).error(), Errc::name_taken);
    EXPECT_EQ(registry.add(same_key).error(), Errc::public_key_taken);
    EXPECT_EQ(registry.add(same_address).error(), Errc::address_taken);

    const auto peers = registry.list().value();
    ASSERT_EQ(peers.size(), 1u);
    expect_same(peers[0], original);
    EXPECT_EQ(raw_count(file_, "SELECT count(*) FROM peer_groups"), 2);

    // The refused adds left no transaction open: a good add still works.
    EXPECT_TRUE(registry.add(bob()));
}

TEST_F(RegistryTest, InvalidNamesAreRefusedAndChangeNothing) {
    auto registry = open();
    for (const std::string& name :
         std::vector<std::string>{"", "-x", ".x", "_x", "a b", "a/b", "a,b", "al\nice", "\xc3\xa4",
                                  "Alice", "A9", std::string(64, 'a')}) {
        NewPeer peer = alice();
        peer.name = name;
        const auto added = registry.add(peer);
        ASSERT_FALSE(added) << name;
        EXPECT_EQ(added.error(), Errc::invalid_name) << name;
    }
    NewPeer bad_group = alice();
    bad_group.groups = {"survey", "a,b"};
    EXPECT_EQ(registry.add(bad_group).error(), Errc::invalid_group_name);
    EXPECT_TRUE(registry.list().value().empty());

    for (const std::string& name :
         std::vector<std::string>{"alice", "a.b_c-1", "9a", "x-", std::string(63, 'a')}) {
        EXPECT_TRUE(is_valid_peer_name(name)) << name;
    }
}

TEST_F(RegistryTest, RemoveDeletesThePeerAndItsGroups) {
    auto registry = open();
    ASSERT_TRUE(registry.add(alice()));
    ASSERT_TRUE(registry.add(bob()));

    ASSERT_TRUE(registry.remove("alice"));
    EXPECT_FALSE(registry.find("alice").value());
    EXPECT_EQ(registry.list().value().size(), 1u);
    EXPECT_EQ(raw_count(file_, "SELECT count(*) FROM peer_groups"), 0);

    // Name, key and address are free again.
    EXPECT_TRUE(registry.add(alice()));
}

TEST_F(RegistryTest, RemoveUnknownIsNotFound) {
    auto registry = open();
    ASSERT_TRUE(registry.add(alice()));
    EXPECT_EQ(registry.remove("carol").error(), Errc::not_found);
    EXPECT_EQ(registry.list().value().size(), 1u);
}

TEST_F(RegistryTest, ReopenKeepsData) {
    Peer added;
    {
        auto registry = open();
        added = registry.add(alice()).value();
    }
    auto registry = open();
    const auto found = registry.find("alice").value();
    ASSERT_TRUE(found);
    expect_same(*found, added);
}

TEST_F(RegistryTest, FileIsPrivateWhateverTheUmask) {
    const mode_t old_umask = ::umask(0);
    {
        auto registry = open();
        ASSERT_TRUE(registry.add(alice()));
        EXPECT_EQ(file_mode(file_), 0600u);
        // The write-ahead log holds the preshared key until a checkpoint.
        const fs::path wal = file_.string() + "-wal";
        ASSERT_TRUE(fs::exists(wal));
        EXPECT_EQ(file_mode(wal), 0600u);
    }
    ::umask(old_umask);
    EXPECT_EQ(file_mode(file_), 0600u);
}

TEST_F(RegistryTest, ExistingFileIsMadePrivate) {
    { std::ofstream touch(file_); }
    fs::permissions(file_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                               fs::perms::others_read);
    auto registry = open();
    EXPECT_EQ(file_mode(file_), 0600u);
}

TEST_F(RegistryTest, MissingDirectoryIsAnErrorAndCreatesNothing) {
    const auto registry = Registry::open(dir_ / "missing" / "registry.sqlite");
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error(), Errc::database_failed);
    EXPECT_FALSE(fs::exists(dir_ / "missing"));
}

TEST_F(RegistryTest, NotADatabaseIsAnError) {
    { std::ofstream(file_) << "this is not an SQLite database, but it is long enough to be read"; }
    EXPECT_FALSE(Registry::open(file_));
}

TEST_F(RegistryTest, NewerSchemaIsRefusedAndLeftAlone) {
    { auto registry = open(); }
    raw_exec(file_, "PRAGMA user_version = 999");
    const auto registry = Registry::open(file_);
    ASSERT_FALSE(registry);
    EXPECT_EQ(registry.error(), Errc::schema_too_new);
    EXPECT_EQ(raw_count(file_, "PRAGMA user_version"), 999);
}

TEST_F(RegistryTest, UnreadableRowIsReportedAsCorrupt) {
    {
        auto registry = open();
        ASSERT_TRUE(registry.add(alice()));
    }
    raw_exec(file_, "UPDATE peers SET public_key = 'not a key'");
    auto registry = open();
    EXPECT_EQ(registry.list().error(), Errc::database_corrupt);
    EXPECT_EQ(registry.find("alice").error(), Errc::database_corrupt);
}

}  // namespace
}  // namespace wmsgate::provisioning

#include "netcfg/key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

// Made with `wg genkey | tee /dev/stderr | wg pubkey`.
constexpr const char* private_b64 = "ACoD6EB62vdIBcmYNePkCCBx56xXJQAx5SGpeu3oUV4=";
constexpr const char* private_hex =
    "002a03e8407adaf74805c99835e3e4082071e7ac57250031e521a97aede8515e";
constexpr const char* public_b64 = "FWs8Jm+d10qNYDP3flc/R0sDOxpPoEwL0MP5n1NVeSM=";
constexpr const char* public_hex =
    "156b3c266f9dd74a8d6033f77e573f474b033b1a4fa04c0bd0c3f99f53557923";

TEST(Key, PublicKeyMatchesWgPubkey) {
    auto secret = SecretKey::from_base64(private_b64);
    ASSERT_TRUE(secret);
    EXPECT_EQ(secret->public_key().base64(), public_b64);
    EXPECT_EQ(secret->public_key().hex(), public_hex);
}

TEST(Key, Base64AndHexRoundTrip) {
    auto secret = SecretKey::from_base64(private_b64);
    ASSERT_TRUE(secret);
    EXPECT_EQ(secret->reveal_hex(), private_hex);
    auto from_hex = SecretKey::from_hex(private_hex);
    ASSERT_TRUE(from_hex);
    EXPECT_EQ(from_hex->reveal_base64(), private_b64);
    EXPECT_TRUE(*secret == *from_hex);

    auto pub = PublicKey::from_hex(public_hex);
    ASSERT_TRUE(pub);
    EXPECT_EQ(pub->base64(), public_b64);
    EXPECT_EQ(*PublicKey::from_base64(public_b64), *pub);
}

TEST(Key, RejectsMalformedText) {
    for (const char* bad : {"", "abc", "ACoD6EB62vdIBcmYNePkCCBx56xXJQAx5SGpeu3oUV4",
                            "ACoD6EB62vdIBcmYNePkCCBx56xXJQAx5SGpeu3oUV4==",
                            "!CoD6EB62vdIBcmYNePkCCBx56xXJQAx5SGpeu3oUV4="}) {
        auto key = PublicKey::from_base64(bad);
        ASSERT_FALSE(key) << bad;
        EXPECT_EQ(key.error(), make_error_code(Errc::invalid_key));
    }
    EXPECT_FALSE(SecretKey::from_hex(std::string(63, 'a')));
    EXPECT_FALSE(SecretKey::from_hex(std::string(64, 'g')));
}

TEST(Key, SecretPrintsHiddenPublicPrintsBase64) {
    auto secret = SecretKey::from_base64(private_b64);
    ASSERT_TRUE(secret);
    std::ostringstream out;
    out << *secret << " " << secret->public_key();
    EXPECT_EQ(out.str(), std::string("(hidden) ") + public_b64);
}

TEST(Key, GeneratedKeysAreClampedAndDistinct) {
    const auto a = SecretKey::generate_private();
    const auto b = SecretKey::generate_private();
    EXPECT_FALSE(a == b);
    EXPECT_EQ(a.reveal_bytes()[0] & 7, 0);
    EXPECT_EQ(a.reveal_bytes()[31] & 0xc0, 0x40);
    EXPECT_FALSE(SecretKey::generate_preshared() == SecretKey::generate_preshared());
}

class KeyFile : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/netcfg-key-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(KeyFile, WrittenWithMode0600AndReadBack) {
    const auto path = dir_ / "server.key";
    const auto key = SecretKey::generate_private();
    ASSERT_TRUE(write_secret_key_file(path, key));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    auto read = read_secret_key_file(path);
    ASSERT_TRUE(read);
    EXPECT_TRUE(*read == key);
    EXPECT_FALSE(std::filesystem::exists(dir_ / "server.key.tmp"));
}

TEST_F(KeyFile, ReadableByOthersIsRefused) {
    const auto path = dir_ / "loose.key";
    std::ofstream(path) << private_b64 << "\n";
    ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    auto read = read_secret_key_file(path);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error(), make_error_code(Errc::key_file_insecure));
}

TEST_F(KeyFile, MissingFileIsASystemError) {
    auto read = read_secret_key_file(dir_ / "absent.key");
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error(), std::error_code(ENOENT, std::system_category()));
}

}  // namespace
}  // namespace wmsgate::netcfg

#include "netcfg/key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

constexpr std::size_t base64_length = 44;  // 32 bytes, padded
constexpr std::size_t hex_length = 64;

struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0) std::abort();  // no usable randomness: nothing safe to do
    }
};
void ensure_sodium() {
    static const SodiumInit once;
}

using Bytes = std::array<std::uint8_t, key_size>;

tl::expected<Bytes, std::error_code> decode_base64(std::string_view text) {
    Bytes out{};
    std::size_t written = 0;
    if (text.size() != base64_length ||
        sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        written != key_size) {
        sodium_memzero(out.data(), out.size());
        return tl::unexpected(make_error_code(Errc::invalid_key));
    }
    return out;
}

tl::expected<Bytes, std::error_code> decode_hex(std::string_view text) {
    Bytes out{};
    std::size_t written = 0;
    if (text.size() != hex_length ||
        sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written,
                       nullptr) != 0 ||
        written != key_size) {
        sodium_memzero(out.data(), out.size());
        return tl::unexpected(make_error_code(Errc::invalid_key));
    }
    return out;
}

std::string encode_base64(const Bytes& bytes) {
    char buf[sodium_base64_ENCODED_LEN(key_size, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(buf, sizeof buf, bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    std::string out(buf);
    sodium_memzero(buf, sizeof buf);
    return out;
}

std::string encode_hex(const Bytes& bytes) {
    char buf[hex_length + 1];
    sodium_bin2hex(buf, sizeof buf, bytes.data(), bytes.size());
    std::string out(buf);
    sodium_memzero(buf, sizeof buf);
    return out;
}

}  // namespace

tl::expected<PublicKey, std::error_code> PublicKey::from_base64(std::string_view text) {
    return decode_base64(text).map([](const Bytes& b) { return PublicKey::from_bytes(b); });
}

tl::expected<PublicKey, std::error_code> PublicKey::from_hex(std::string_view text) {
    return decode_hex(text).map([](const Bytes& b) { return PublicKey::from_bytes(b); });
}

std::string PublicKey::base64() const {
    return encode_base64(bytes_);
}
std::string PublicKey::hex() const {
    return encode_hex(bytes_);
}

std::ostream& operator<<(std::ostream& os, const PublicKey& key) {
    return os << key.base64();
}

SecretKey SecretKey::generate_private() {
    ensure_sodium();
    SecretKey key;
    randombytes_buf(key.bytes_.data(), key.bytes_.size());
    // Curve25519 clamping, exactly as `wg genkey` does.
    key.bytes_[0] &= 248;
    key.bytes_[31] = static_cast<std::uint8_t>((key.bytes_[31] & 127) | 64);
    return key;
}

SecretKey SecretKey::generate_preshared() {
    ensure_sodium();
    SecretKey key;
    randombytes_buf(key.bytes_.data(), key.bytes_.size());
    return key;
}

tl::expected<SecretKey, std::error_code> SecretKey::from_base64(std::string_view text) {
    auto bytes = decode_base64(text);
    if (!bytes) return tl::unexpected(bytes.error());
    SecretKey key;
    key.bytes_ = *bytes;
    sodium_memzero(bytes->data(), bytes->size());
    return key;
}

tl::expected<SecretKey, std::error_code> SecretKey::from_hex(std::string_view text) {
    auto bytes = decode_hex(text);
    if (!bytes) return tl::unexpected(bytes.error());
    SecretKey key;
    key.bytes_ = *bytes;
    sodium_memzero(bytes->data(), bytes->size());
    return key;
}

tl::expected<SecretKey, std::error_code> SecretKey::from_raw(std::string_view bytes) {
    if (bytes.size() != key_size) return tl::unexpected(make_error_code(Errc::invalid_key));
    SecretKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), key_size);
    return key;
}

SecretKey::SecretKey(const SecretKey& other) : bytes_(other.bytes_) {}

SecretKey& SecretKey::operator=(const SecretKey& other) {
    if (this != &other) bytes_ = other.bytes_;
    return *this;
}

SecretKey::~SecretKey() {
    sodium_memzero(bytes_.data(), bytes_.size());
}

PublicKey SecretKey::public_key() const {
    ensure_sodium();
    Bytes pub{};
    crypto_scalarmult_curve25519_base(pub.data(), bytes_.data());
    return PublicKey::from_bytes(pub);
}

std::string SecretKey::reveal_base64() const {
    return encode_base64(bytes_);
}
std::string SecretKey::reveal_hex() const {
    return encode_hex(bytes_);
}

bool operator==(const SecretKey& a, const SecretKey& b) {
    return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), key_size) == 0;
}

std::ostream& operator<<(std::ostream& os, const SecretKey&) {
    return os << "(hidden)";
}

tl::expected<SecretKey, std::error_code> read_secret_key_file(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return tl::unexpected(std::error_code(errno, std::system_category()));
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return tl::unexpected(make_error_code(Errc::key_file_insecure));
    }
    std::ifstream in(path);
    std::string text;
    if (!(in >> text)) return tl::unexpected(make_error_code(Errc::invalid_key));
    auto key = SecretKey::from_base64(text);
    sodium_memzero(text.data(), text.size());
    return key;
}

tl::expected<void, std::error_code> write_secret_key_file(const std::filesystem::path& path,
                                                          const SecretKey& key) {
    const auto temp = path.string() + ".tmp";
    const int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return tl::unexpected(std::error_code(errno, std::system_category()));
    std::string text = key.reveal_base64() + "\n";
    const bool ok = ::fchmod(fd, 0600) == 0 &&
                    ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fsync(fd) == 0;
    const int saved = errno;
    sodium_memzero(text.data(), text.size());
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = ok ? errno : saved;
        ::unlink(temp.c_str());
        return tl::unexpected(std::error_code(err, std::system_category()));
    }
    return {};
}

}  // namespace wmsgate::netcfg

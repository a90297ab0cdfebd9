#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::netcfg {

inline constexpr std::size_t key_size = 32;

// A Curve25519 public key. Not secret: prints as WireGuard's base64.
class PublicKey {
  public:
    static tl::expected<PublicKey, std::error_code> from_base64(std::string_view text);
    static tl::expected<PublicKey, std::error_code> from_hex(std::string_view text);
    static PublicKey from_bytes(const std::array<std::uint8_t, key_size>& bytes) {
        PublicKey k;
        k.bytes_ = bytes;
        return k;
    }

    std::string base64() const;
    std::string hex() const;
    const std::array<std::uint8_t, key_size>& bytes() const { return bytes_; }

    friend bool operator==(const PublicKey&, const PublicKey&) = default;
    friend auto operator<=>(const PublicKey&, const PublicKey&) = default;

  private:
    std::array<std::uint8_t, key_size> bytes_{};
};

std::ostream& operator<<(std::ostream& os, const PublicKey& key);

// A private or preshared key. Wiped on destruction, compared in constant time,
// printed as "(hidden)"; its text is only reachable through reveal_*().
class SecretKey {
  public:
    // A clamped X25519 private key, as `wg genkey` makes.
    static SecretKey generate_private();
    // 32 random bytes, as `wg genpsk` makes.
    static SecretKey generate_preshared();
    static tl::expected<SecretKey, std::error_code> from_base64(std::string_view text);
    static tl::expected<SecretKey, std::error_code> from_hex(std::string_view text);
    // The 32 key bytes themselves (as netlink carries them); Errc::invalid_key
    // for any other length.
    static tl::expected<SecretKey, std::error_code> from_raw(std::string_view bytes);

    SecretKey(const SecretKey& other);
    SecretKey& operator=(const SecretKey& other);
    ~SecretKey();

    // Only meaningful for a private key.
    PublicKey public_key() const;

    std::string reveal_base64() const;
    std::string reveal_hex() const;
    const std::array<std::uint8_t, key_size>& reveal_bytes() const { return bytes_; }

    friend bool operator==(const SecretKey& a, const SecretKey& b);

  private:
    SecretKey() = default;
    std::array<std::uint8_t, key_size> bytes_{};
};

std::ostream& operator<<(std::ostream& os, const SecretKey& key);

// Reads a base64 key file; refuses a file readable by group or others.
tl::expected<SecretKey, std::error_code> read_secret_key_file(const std::filesystem::path& path);
// Writes the key as base64 to a new 0600 file (atomically: temp file + rename).
tl::expected<void, std::error_code> write_secret_key_file(const std::filesystem::path& path,
                                                          const SecretKey& key);

}  // namespace wmsgate::netcfg

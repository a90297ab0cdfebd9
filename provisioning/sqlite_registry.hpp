#pragma once

// The registry in one SQLite file (WAL, FULL sync): the default, for one
// appliance. Private to provisioning/; the rest of the program holds a
// Registry.

#include <filesystem>
#include <memory>

#include "provisioning/registry_backend.hpp"

struct sqlite3;

namespace wmsgate::provisioning {

class SqliteRegistry final : public RegistryBackend {
  public:
    // See Registry::open.
    static tl::expected<std::unique_ptr<SqliteRegistry>, std::error_code> open(
        const std::filesystem::path& file);

    RegistryKind kind() const noexcept override { return RegistryKind::sqlite; }

    tl::expected<Peer, std::error_code> add(const NewPeer& peer, const Actor& actor) override;
    tl::expected<std::vector<Peer>, std::error_code> list() const override;
    tl::expected<std::optional<Peer>, std::error_code> find(std::string_view name) const override;
    tl::expected<void, std::error_code> remove(std::string_view name, const Actor& actor) override;
    tl::expected<Peer, std::error_code> change(std::string_view name, const PeerChange& change,
                                               const Actor& actor) override;
    tl::expected<Peer, std::error_code> set_disabled(std::string_view name, bool disabled,
                                                     const Actor& actor) override;
    tl::expected<Peer, std::error_code> revoke(std::string_view name, Seconds when,
                                               const Actor& actor) override;
    tl::expected<Peer, std::error_code> rotate_key(std::string_view name,
                                                   const netcfg::PublicKey& public_key,
                                                   std::optional<netcfg::SecretKey> preshared_key,
                                                   KeyOrigin origin, const Actor& actor) override;
    tl::expected<std::vector<boost::asio::ip::address>, std::error_code> taken_addresses()
        const override;
    tl::expected<std::optional<Seconds>, std::error_code> next_expiry(Seconds after) const override;
    tl::expected<std::vector<std::string>, std::error_code> expiring(Seconds after,
                                                                     Seconds upto) const override;
    tl::expected<void, std::error_code> audit(const std::vector<AuditEntry>& entries) override;
    tl::expected<std::vector<AuditEntry>, std::error_code> audit_since(
        Seconds since) const override;
    // One appliance: its key file sits beside the database; nothing to record.
    tl::expected<netcfg::PublicKey, std::error_code> claim_server_key(
        const netcfg::PublicKey& ours) override {
        return ours;
    }

  private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    explicit SqliteRegistry(std::unique_ptr<sqlite3, Closer> db) : db_(std::move(db)) {}
    std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace wmsgate::provisioning

#include "provisioning/errors.hpp"

#include <string>

namespace wmsgate::provisioning {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "provisioning"; }
    std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::invalid_name:
                return "invalid peer name (1 to 63 of a-z 0-9 . _ -, starting with a letter or "
                       "a digit)";
            case Errc::name_taken:
                return "a peer of that name already exists (revoked and expired peers keep "
                       "their names for the audit trail); choose another name";
            case Errc::public_key_taken:
                return "another peer already uses that public key; every client needs its own "
                       "key pair (wg genkey)";
            case Errc::address_taken:
                return "that tunnel address is already assigned to another peer";
            case Errc::not_found:
                return "no peer of that name (see 'wmsgatectl peer list')";
            case Errc::prefix_full:
                return "no free address left in the tunnel prefix; revoke unused peers or "
                       "configure a larger [interface] address prefix";
            case Errc::database_failed:
                return "the peer registry database failed; check that the state directory "
                       "exists, is writable and has free space";
            case Errc::schema_too_new:
                return "the peer registry was written by a newer wmsgate; upgrade wmsgate or "
                       "restore a backup of the registry";
            case Errc::invalid_prefix:
                return "peer addresses come from the [interface] address prefixes; configure "
                       "an IPv4 one such as 10.77.0.1/24 (and optionally an IPv6 one such as "
                       "fd77::1/64)";
            case Errc::invalid_group_name:
                return "invalid group name (1 to 64 of A-Z a-z 0-9 . _ -, not starting with "
                       "'.' or '-')";
            case Errc::database_busy:
                return "the peer registry is locked by another process; stop the other "
                       "process or try again";
            case Errc::revoked:
                return "that peer is revoked, which is final; issue a new peer instead";
            case Errc::invalid_layer_name:
                return "invalid layer name (1 to 64 of A-Z a-z 0-9 . _ -, not starting with "
                       "'.' or '-')";
            case Errc::invalid_expiry:
                return "invalid expiry: give a duration such as 90m, 12h, 30d or 2w, or a UTC "
                       "date (1970 to 2200) such as 2027-01-31 or 2027-01-31T12:00:00Z";
            case Errc::expiry_in_past:
                return "that expiry is not in the future";
            case Errc::qr_failed:
                return "could not make the QR code (the config is too long for one, or the "
                       "file could not be written)";
            case Errc::database_unreachable:
                return "the peer registry's PostgreSQL server cannot be reached; changes are "
                       "refused until it is back (maps are still served to the peers known "
                       "before), see registry.dsn";
            case Errc::database_corrupt:
                return "the peer registry holds a record wmsgate cannot read; restore a backup "
                       "of the registry";
        }
        return "unknown provisioning error";
    }
};

}  // namespace

const std::error_category& provisioning_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wmsgate::provisioning

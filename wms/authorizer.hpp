#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <set>
#include <string>

namespace wmsgate::wms {

// What one client may see. `client` names it in logs only.
struct ClientView {
    std::string client;
    std::set<std::string> layers;
};

// Answers, for every request, which layers the client at a remote address may
// see. The WMS knows nothing about how that is decided. nullopt: the address
// belongs to no client and gets no service at all.
class Authorizer {
  public:
    virtual ~Authorizer() = default;
    virtual std::optional<ClientView> view_for(const boost::asio::ip::address& remote) const = 0;
};

}  // namespace wmsgate::wms

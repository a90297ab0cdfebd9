#pragma once

#include <boost/asio/ip/address.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace wmsgate::wms {

class Area;

// What one client may see. `client` names it in logs only. A layer in
// `areas` may be seen only inside its area (pixels outside are drawn as if
// the layer had no data there); a layer not in it is seen whole.
struct ClientView {
    using Areas = std::map<std::string, std::shared_ptr<const Area>>;

    ClientView() = default;
    ClientView(std::string client, std::set<std::string> layers, Areas areas = {})
        : client(std::move(client)), layers(std::move(layers)), areas(std::move(areas)) {}

    // The area `layer` is limited to; null when it is seen whole.
    const Area* area_of(const std::string& layer) const {
        const auto it = areas.find(layer);
        return it == areas.end() ? nullptr : it->second.get();
    }

    std::string client;
    std::set<std::string> layers;
    Areas areas;
};

// Answers, for every request, which layers the client at a remote address may
// see, and where. The WMS knows nothing about how that is decided. nullopt:
// the address belongs to no client and gets no service at all.
class Authorizer {
  public:
    virtual ~Authorizer() = default;
    virtual std::optional<ClientView> view_for(const boost::asio::ip::address& remote) const = 0;
};

}  // namespace wmsgate::wms

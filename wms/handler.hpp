#pragma once

#include <string>
#include <string_view>

#include "wms/authorizer.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/request.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms {

// What the server sends back; no sockets involved.
struct Response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::string request_name;  // the WMS REQUEST value or the path, for the access log
};

// Maps one request target to a response for one client. Pure apart from
// reading datasets, so it is tested without a server. Thread-safe: the
// catalog and config are read-only, rendering keeps per-thread datasets.
class Handler {
  public:
    Handler(ServiceConfig service, LayerCatalog catalog);

    // `target` is the HTTP request target, "/wms?SERVICE=WMS&...".
    Response handle(std::string_view target, const ClientView& view) const;

    const LayerCatalog& catalog() const { return catalog_; }

  private:
    Response handle_wms(std::string_view query, const ClientView& view) const;
    Response get_map(const GetMapRequest& request, const ClientView& view) const;

    ServiceConfig service_;
    LayerCatalog catalog_;
};

}  // namespace wmsgate::wms

#pragma once

#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "wms/authorizer.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/request.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::wms {

struct MapJob;

// What the server sends back; no sockets involved.
//
// HTTP status: service exceptions (any OGC code, and EXCEPTIONS=INIMAGE or
// BLANK pictures) travel with 200, as OGC clients expect and as WMS 1.3.0
// (Annex H) intends; 500 only when the server itself failed (a dataset that
// vanished or cannot be read, an encoder failure), still with an exception
// report body; 404 for paths other than /wms.
struct Response {
    Response() = default;
    // Not an aggregate, so that adding a field never breaks brace-initialising callers.
    Response(unsigned status, std::string content_type, std::string body,
             std::string request_name = {})
        : status(status),
          content_type(std::move(content_type)),
          body(std::move(body)),
          request_name(std::move(request_name)) {}

    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::string request_name;  // the WMS REQUEST value or the path, for the access log
    // Set when the server failed (status 500): what failed, naming the layer,
    // for the one log line the caller writes. Never sent to the client.
    std::string failure;
    // The layers the request was answered for, all known and visible to the
    // client (empty for capabilities and for refused requests).
    std::vector<std::string> layers;
};

// Maps one request target to a response for one client. Pure apart from
// reading datasets, so it is tested without a server. Thread-safe: the
// catalog and config are read-only, rendering keeps per-thread datasets.
class Handler {
  public:
    // Also sizes GDAL's (process-wide) block cache from the config.
    Handler(ServiceConfig service, LayerCatalog catalog);

    // `target` is the HTTP request target, "/wms?SERVICE=WMS&...". Once
    // `stop` is triggered, a map being drawn stops at its next band of rows
    // and the response is a 500 nobody should send.
    Response handle(std::string_view target, const ClientView& view,
                    const std::stop_token& stop = {}) const;

    const LayerCatalog& catalog() const { return catalog_; }
    const ServiceConfig& service() const { return service_; }

  private:
    Response handle_wms(std::string_view query, const ClientView& view,
                        const std::stop_token& stop) const;
    Response get_capabilities(const GetCapabilitiesRequest& request, const ClientView& view) const;
    Response get_map(const GetMapRequest& request, const ClientView& view,
                     const std::stop_token& stop) const;
    Response render_and_encode(const GetMapRequest& request, const MapJob& job) const;
    Response get_feature_info(const GetFeatureInfoRequest& request, const ClientView& view) const;
    Response get_legend(const GetLegendGraphicRequest& request, const ClientView& view) const;
    Response error(const RequestError& error) const;

    ServiceConfig service_;
    LayerCatalog catalog_;
};

}  // namespace wmsgate::wms

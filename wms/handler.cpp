#include "wms/handler.hpp"

#include <variant>

#include "wms/capabilities.hpp"
#include "wms/exception_report.hpp"
#include "wms/kvp.hpp"
#include "wms/renderer.hpp"
#include "wms/request.hpp"

namespace wmsgate::wms {
namespace {

// The REQUEST value is client input headed for a log; keep it short.
constexpr std::size_t max_logged_request = 64;

// OGC style: exceptions travel with HTTP 200 unless the server itself failed.
Response exception_response(const ServiceException& exception, unsigned status = 200) {
    return Response{status, "text/xml", exception_report_xml(exception), {}};
}

// A layer the client may not see does not exist for it. This is the only
// place that answers for a missing layer, and it is reached by the same path
// for a forbidden and a truly unknown name, so both answers are byte for byte
// the same. It names the layer by its position in LAYERS, not by its name,
// so that asking for a forbidden layer and for a made-up one give identical
// bytes.
ServiceException layer_not_defined(std::size_t position) {
    return {ExceptionCode::LayerNotDefined,
            "Layer " + std::to_string(position) + " of LAYERS is not defined"};
}

tl::expected<MapJob, ServiceException> map_job(const GetMapRequest& request,
                                               const LayerCatalog& catalog,
                                               const ClientView& view) {
    MapJob job{
        {}, request.bbox, request.width, request.height, request.transparent, request.background};
    for (std::size_t i = 0; i < request.layers.size(); ++i) {
        const auto& name = request.layers[i];
        // Visibility is checked before the catalog is even consulted.
        const LayerInfo* layer = view.layers.contains(name) ? catalog.find(name) : nullptr;
        if (layer == nullptr) return tl::unexpected(layer_not_defined(i + 1));
        job.sources.push_back(layer->source);
    }
    return job;
}

}  // namespace

Handler::Handler(ServiceConfig service, LayerCatalog catalog)
    : service_(std::move(service)), catalog_(std::move(catalog)) {}

Response Handler::handle(std::string_view target, const ClientView& view) const {
    const std::size_t question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    if (path != "/wms" && path != "/wms/") {
        return Response{404, "text/plain", "Not found\n",
                        std::string(path.substr(0, max_logged_request))};
    }
    Response response = handle_wms(query, view);
    if (response.request_name.empty()) response.request_name = std::string(path);
    return response;
}

Response Handler::get_map(const GetMapRequest& request, const ClientView& view) const {
    const auto job = map_job(request, catalog_, view);
    if (!job) return exception_response(job.error());
    auto png = render_png(*job);
    if (!png) {
        return exception_response({ExceptionCode::none, "The map could not be rendered"}, 500);
    }
    return Response{200, "image/png", std::move(*png), {}};
}

Response Handler::handle_wms(std::string_view query, const ClientView& view) const {
    const auto kvp = Kvp::parse(query);
    if (!kvp) {
        return exception_response(
            {ExceptionCode::InvalidParameterValue, "Bad query string: " + kvp.error().message()});
    }
    const std::string request_name(kvp->get("REQUEST").value_or("").substr(0, max_logged_request));

    const auto request = parse_request(*kvp, {service_.max_width, service_.max_height});
    Response response;
    if (!request) {
        response = exception_response(request.error());
    } else if (std::holds_alternative<GetCapabilitiesRequest>(*request)) {
        response = Response{200, "text/xml", capabilities_xml(service_, catalog_, view), {}};
    } else {
        response = get_map(std::get<GetMapRequest>(*request), view);
    }
    response.request_name = request_name;
    return response;
}

}  // namespace wmsgate::wms

#include "wms/handler.hpp"

#include <gdal.h>

#include <variant>

#include "wms/capabilities.hpp"
#include "wms/exception_image.hpp"
#include "wms/exception_report.hpp"
#include "wms/feature_info.hpp"
#include "wms/image_encoder.hpp"
#include "wms/kvp.hpp"
#include "wms/legend.hpp"
#include "wms/renderer.hpp"
#include "wms/styles.hpp"
#include "wms/update_sequence.hpp"
#include "wms/vector_legend.hpp"
#include "wms/vector_query.hpp"

namespace wmsgate::wms {
namespace {

// The REQUEST value is client input headed for a log; keep it short.
constexpr std::size_t max_logged_request = 64;

Response exception_response(const ServiceException& exception, WmsVersion version,
                            unsigned status = 200) {
    return Response{status,
                    std::string(exception_content_type(version)),
                    exception_report_xml(exception, version),
                    {}};
}

// A layer the client may not see does not exist for it. This is the only
// place that answers for a missing layer, and it is reached by the same path
// for a forbidden and a truly unknown name, so both answers are byte for byte
// the same. It names the layer by its position in the parameter (LAYERS,
// QUERY_LAYERS, LAYER), never by its name, so that asking for a forbidden
// layer and for a made-up one give identical bytes.
ServiceException layer_not_defined(std::string_view parameter, std::size_t position) {
    return {ExceptionCode::LayerNotDefined, "Layer " + std::to_string(position) + " of " +
                                                std::string(parameter) + " is not defined"};
}

// Visibility is checked before the catalog is even consulted.
const LayerInfo* visible_layer(const LayerCatalog& catalog, const ClientView& view,
                               const std::string& name) {
    return view.layers.contains(name) ? catalog.find(name) : nullptr;
}

RequestError in_map_context(const GetMapRequest& map, ServiceException exception) {
    return {std::move(exception), map.version, map.exceptions, map.image};
}

tl::expected<MapJob, ServiceException> map_job(const GetMapRequest& request,
                                               const LayerCatalog& catalog,
                                               const ClientView& view) {
    const ImageSpec& image = request.image;
    MapJob job{{},
               request.crs.epsg,
               request.bbox,
               image.width,
               image.height,
               image.transparent && supports_alpha(image.format),
               image.background,
               {}};  // the stop token is the caller's
    for (std::size_t i = 0; i < request.layers.size(); ++i) {
        const LayerInfo* layer = visible_layer(catalog, view, request.layers[i]);
        if (layer == nullptr) return tl::unexpected(layer_not_defined("LAYERS", i + 1));
        const auto paint = resolve_style(*layer, request.styles[i]);
        if (!paint)
            return tl::unexpected(ServiceException{
                ExceptionCode::StyleNotDefined,
                "Style " + std::to_string(i + 1) + " of STYLES is not defined for its layer"});
        const auto area = view.areas.find(layer->name);
        job.layers.push_back({layer->source, *paint,
                              area == view.areas.end() ? nullptr : area->second, layer->resampling,
                              layer->vector});
    }
    return job;
}

// The log line's words for a layer GDAL failed on: ours, then GDAL's own.
std::string layer_failure(const std::string& layer, const std::error_code& code,
                          const std::string& gdal) {
    return "layer '" + layer + "': " + code.message() +
           (gdal.empty() ? "" : " (GDAL: " + gdal + ")");
}

Response server_failure(WmsVersion version, std::string what) {
    Response response =
        exception_response({ExceptionCode::none, "The request could not be served"}, version, 500);
    response.failure = std::move(what);
    return response;
}

}  // namespace

Handler::Handler(ServiceConfig service, LayerCatalog catalog)
    : service_(std::move(service)), catalog_(std::move(catalog)) {
    catalog_.advertise(service_.crs);
    if (service_.gdal_block_cache_mb != 0)
        GDALSetCacheMax64(static_cast<GIntBig>(service_.gdal_block_cache_mb) * 1024 * 1024);
}

Response Handler::handle(std::string_view target, const ClientView& view,
                         const std::stop_token& stop) const {
    const std::size_t question = target.find('?');
    const std::string_view path = target.substr(0, question);
    const std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    if (path != "/wms" && path != "/wms/") {
        return Response{404, "text/plain", "Not found\n",
                        std::string(path.substr(0, max_logged_request))};
    }
    Response response = handle_wms(query, view, stop);
    if (response.request_name.empty()) response.request_name = std::string(path);
    return response;
}

Response Handler::error(const RequestError& error) const {
    if (error.format == ExceptionFormat::xml)
        return exception_response(error.exception, error.version);
    const RgbaImage image =
        error.format == ExceptionFormat::blank
            ? blank_image(error.image)
            : message_image(error.image, std::string(code_name(error.exception.code)) + ": " +
                                             error.exception.message);
    const bool alpha = error.image.transparent && supports_alpha(error.image.format);
    auto bytes = encode_image(image, error.image.format, alpha,
                              {service_.png_compression, service_.jpeg_quality});
    if (!bytes) return exception_response(error.exception, error.version);
    return Response{200, std::string(content_type(error.image.format)), std::move(*bytes), {}};
}

Response Handler::get_capabilities(const GetCapabilitiesRequest& request,
                                   const ClientView& view) const {
    // One sequence for both versions: taken from the 1.3.0 document
    // written without one.
    const std::string sequence =
        view_sequence(capabilities_xml(service_, catalog_, view, WmsVersion::v1_3_0), view,
                      service_.update_sequence);
    if (request.update_sequence == sequence)
        return exception_response(
            {ExceptionCode::CurrentUpdateSequence, "UPDATESEQUENCE is the current one"},
            request.version);
    return Response{200,
                    std::string(capabilities_content_type(request.version)),
                    capabilities_xml(service_, catalog_, view, request.version, sequence),
                    {}};
}

Response Handler::get_map(const GetMapRequest& request, const ClientView& view,
                          const std::stop_token& stop) const {
    auto job = map_job(request, catalog_, view);
    if (!job) return error(in_map_context(request, job.error()));
    job->stop = stop;
    // Every layer named is known and visible by now, so the names are safe
    // to log and to count.
    Response response = render_and_encode(request, *job);
    response.layers = request.layers;
    return response;
}

Response Handler::render_and_encode(const GetMapRequest& request, const MapJob& job) const {
    auto image = render_map(job);
    if (!image) {
        const auto& failed = image.error();
        return server_failure(
            request.version, layer_failure(request.layers[failed.layer], failed.code, failed.gdal));
    }
    auto bytes = encode_image(*image, request.image.format, job.transparent,
                              {service_.png_compression, service_.jpeg_quality});
    if (!bytes) return server_failure(request.version, "encoding: " + bytes.error().message());
    return Response{200, std::string(content_type(request.image.format)), std::move(*bytes), {}};
}

Response Handler::get_feature_info(const GetFeatureInfoRequest& request,
                                   const ClientView& view) const {
    const WmsVersion version = request.map.version;
    if (const auto job = map_job(request.map, catalog_, view); !job)
        return exception_response(job.error(), version);
    std::vector<const LayerInfo*> queried;
    for (std::size_t k = 0; k < request.query_layers.size(); ++k) {
        const LayerInfo* layer = visible_layer(catalog_, view, request.query_layers[k]);
        if (layer == nullptr)
            return exception_response(layer_not_defined("QUERY_LAYERS", k + 1), version);
        if (!layer->queryable)
            return exception_response(
                {ExceptionCode::LayerNotQueryable,
                 "Layer " + std::to_string(k + 1) + " of QUERY_LAYERS is not queryable"},
                version);
        queried.push_back(layer);
    }
    const auto [x, y] = pixel_centre(request.map, request.i, request.j);
    std::vector<LayerValues> values;
    Response response;
    for (const LayerInfo* layer : queried) {
        response.layers.push_back(layer->name);
        // Outside the client's area a layer answers as outside its data,
        // by the same pixel rule the map's mask uses.
        if (const Area* area = view.area_of(layer->name);
            area != nullptr &&
            !area->outline(request.map.crs.epsg)
                 ->covers_pixel(request.map.bbox, request.map.image.width, request.map.image.height,
                                request.i, request.j)) {
            values.push_back({layer->name, {}, false, layer->vector != nullptr, {}});
            continue;
        }
        auto sampled = layer->vector
                           ? query_vector_features(layer->name, *layer->vector, request.map,
                                                   request.i, request.j, request.feature_count)
                           : sample_point(layer->name, layer->source, request.map.crs.epsg, x, y);
        if (!sampled) {
            return server_failure(
                version, layer_failure(layer->name, sampled.error().code, sampled.error().gdal));
        }
        values.push_back(std::move(*sampled));
    }
    response.content_type = info_content_type(request.info_format);
    response.body = format_feature_info(values, request.info_format, request.feature_count);
    return response;
}

Response Handler::get_legend(const GetLegendGraphicRequest& request, const ClientView& view) const {
    const LayerInfo* layer = visible_layer(catalog_, view, request.layer);
    if (layer == nullptr) return exception_response(layer_not_defined("LAYER", 1), request.version);
    const auto paint = resolve_style(*layer, request.style);
    if (!paint)
        return exception_response(
            {ExceptionCode::StyleNotDefined, "STYLE is not defined for this layer"},
            request.version);
    auto png = layer->vector ? vector_legend_png(*layer->vector, {request.width, request.height})
                             : legend_png(*paint, {request.width, request.height});
    if (!png) return server_failure(request.version, "legend: " + png.error().message());
    Response response{200, "image/png", std::move(*png), {}};
    response.layers = {layer->name};
    return response;
}

Response Handler::handle_wms(std::string_view query, const ClientView& view,
                             const std::stop_token& stop) const {
    const auto kvp = Kvp::parse(query);
    if (!kvp) {
        return exception_response(
            {ExceptionCode::InvalidParameterValue, "Bad query string: " + kvp.error().message()},
            WmsVersion::v1_3_0);
    }
    const std::string request_name(kvp->get("REQUEST").value_or("").substr(0, max_logged_request));
    const RequestLimits limits{service_.max_width, service_.max_height, service_.layer_limit,
                               service_.max_request_pixels};
    const auto request = parse_request(*kvp, limits);
    Response response;
    if (!request) {
        response = error(request.error());
    } else if (const auto* caps = std::get_if<GetCapabilitiesRequest>(&*request)) {
        response = get_capabilities(*caps, view);
    } else if (const auto* map = std::get_if<GetMapRequest>(&*request)) {
        response = get_map(*map, view, stop);
    } else if (const auto* info = std::get_if<GetFeatureInfoRequest>(&*request)) {
        response = get_feature_info(*info, view);
    } else {
        response = get_legend(std::get<GetLegendGraphicRequest>(*request), view);
    }
    response.request_name = request_name;
    return response;
}

}  // namespace wmsgate::wms

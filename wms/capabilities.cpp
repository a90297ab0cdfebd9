#include "wms/capabilities.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "wms/xml.hpp"

namespace wmsgate::wms {
namespace {

std::string element(std::string_view name, std::string_view text) {
    return "<" + std::string(name) + ">" + xml_escape(text) + "</" + std::string(name) + ">";
}

std::string online_resource(std::string_view href) {
    return "<OnlineResource xlink:type=\"simple\" xlink:href=\"" + xml_escape(href) + "\"/>";
}

// The DCP URL must end so that KVP parameters can be appended to it.
std::string request_url(const std::string& base) {
    if (base.empty() || base.back() == '?' || base.back() == '&') return base;
    return base + (base.find('?') == std::string::npos ? "?" : "&");
}

std::string operation(std::string_view name, std::string_view format, const std::string& url) {
    return "<" + std::string(name) + ">" + element("Format", format) + "<DCPType><HTTP><Get>" +
           online_resource(url) + "</Get></HTTP></DCPType></" + std::string(name) + ">\n";
}

std::string service_section(const ServiceConfig& service) {
    std::string xml = "<Service>" + element("Name", "WMS") + element("Title", service.title);
    if (!service.abstract.empty()) xml += element("Abstract", service.abstract);
    xml += online_resource(service.online_resource);
    xml += element("MaxWidth", std::to_string(service.max_width));
    xml += element("MaxHeight", std::to_string(service.max_height));
    return xml + "</Service>\n";
}

// CRS list, geographic box and bounding boxes, in the schema's order.
std::string extent_elements(const GeoBox& box) {
    const auto n = [](double v) { return format_number(v); };
    return element("CRS", "EPSG:4326") + element("CRS", "CRS:84") + "<EX_GeographicBoundingBox>" +
           element("westBoundLongitude", n(box.west)) + element("eastBoundLongitude", n(box.east)) +
           element("southBoundLatitude", n(box.south)) +
           element("northBoundLatitude", n(box.north)) + "</EX_GeographicBoundingBox>" +
           "<BoundingBox CRS=\"CRS:84\" minx=\"" + n(box.west) + "\" miny=\"" + n(box.south) +
           "\" maxx=\"" + n(box.east) + "\" maxy=\"" + n(box.north) + "\"/>" +
           // EPSG:4326 in WMS 1.3.0 has latitude as its first axis.
           "<BoundingBox CRS=\"EPSG:4326\" minx=\"" + n(box.south) + "\" miny=\"" + n(box.west) +
           "\" maxx=\"" + n(box.north) + "\" maxy=\"" + n(box.east) + "\"/>";
}

std::string named_layer(const LayerInfo& layer) {
    return "<Layer queryable=\"0\">" + element("Name", layer.name) +
           element("Title", layer.title.empty() ? layer.name : layer.title) +
           extent_elements(layer.extent) + "</Layer>\n";
}

std::string root_layer(const ServiceConfig& service, const std::vector<const LayerInfo*>& layers) {
    std::optional<GeoBox> all;
    for (const LayerInfo* layer : layers) {
        const GeoBox& e = layer->extent;
        all = all ? GeoBox{std::min(all->west, e.west), std::min(all->south, e.south),
                           std::max(all->east, e.east), std::max(all->north, e.north)}
                  : e;
    }
    std::string xml = "<Layer>" + element("Title", service.title);
    if (all) {
        xml += extent_elements(*all);
    } else {
        xml += element("CRS", "EPSG:4326") + element("CRS", "CRS:84");
    }
    xml += "\n";
    for (const LayerInfo* layer : layers) xml += named_layer(*layer);
    return xml + "</Layer>\n";
}

}  // namespace

std::string capabilities_xml(const ServiceConfig& service, const LayerCatalog& catalog,
                             const ClientView& view) {
    std::vector<const LayerInfo*> visible;
    for (const auto& layer : catalog.layers())
        if (view.layers.contains(layer.name)) visible.push_back(&layer);

    const std::string url = request_url(service.online_resource);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<WMS_Capabilities version=\"1.3.0\" xmlns=\"http://www.opengis.net/wms\""
           " xmlns:xlink=\"http://www.w3.org/1999/xlink\""
           " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
           " xsi:schemaLocation=\"http://www.opengis.net/wms"
           " http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd\">\n" +
           service_section(service) + "<Capability>\n<Request>\n" +
           operation("GetCapabilities", "text/xml", url) + operation("GetMap", "image/png", url) +
           "</Request>\n" + "<Exception><Format>XML</Format></Exception>\n" +
           root_layer(service, visible) + "</Capability>\n</WMS_Capabilities>\n";
}

}  // namespace wmsgate::wms

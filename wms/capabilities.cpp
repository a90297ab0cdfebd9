#include "wms/capabilities.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "wms/area.hpp"
#include "wms/crs.hpp"
#include "wms/legend.hpp"
#include "wms/styles.hpp"
#include "wms/vector_legend.hpp"
#include "wms/xml.hpp"

namespace wmsgate::wms {
namespace {

std::string element(std::string_view name, std::string_view text) {
    return "<" + std::string(name) + ">" + xml_escape(text) + "</" + std::string(name) + ">";
}

// 1.1.1's DTD declares xmlns:xlink on OnlineResource itself; writing it
// there keeps parsers that never read the DTD (lxml, OWSLib) namespace-clean.
std::string online_resource(std::string_view href, bool v13) {
    return std::string("<OnlineResource ") +
           (v13 ? "" : "xmlns:xlink=\"http://www.w3.org/1999/xlink\" ") +
           "xlink:type=\"simple\" xlink:href=\"" + xml_escape(href) + "\"/>";
}

// The DCP URL must end so that KVP parameters can be appended to it.
std::string request_url(const std::string& base) {
    if (base.empty() || base.back() == '?' || base.back() == '&') return base;
    return base + (base.find('?') == std::string::npos ? "?" : "&");
}

std::string keyword_list(const std::vector<std::string>& keywords) {
    if (keywords.empty()) return {};
    std::string xml = "<KeywordList>";
    for (const auto& keyword : keywords) xml += element("Keyword", keyword);
    return xml + "</KeywordList>";
}

// Builds one document; the differences between 1.1.1 and 1.3.0 live here.
class Writer {
  public:
    Writer(const ServiceConfig& service, WmsVersion version, std::string_view update_sequence)
        : service_(service),
          v13_(version == WmsVersion::v1_3_0),
          url_(request_url(service.online_resource)),
          update_sequence_(update_sequence) {}

    std::string document(const std::vector<const LayerInfo*>& layers) const;

  private:
    std::string service_section() const;
    std::string contact() const;
    std::string operation(std::string_view name, std::initializer_list<std::string_view>) const;
    std::string capability(const std::vector<const LayerInfo*>& layers) const;
    std::string crs_element(std::string_view name) const {
        return element(v13_ ? "CRS" : "SRS", name);
    }
    bool advertised(std::string_view crs) const { return v13_ || crs != "CRS:84"; }
    std::string geographic_box(const GeoBox& box) const;
    std::string bounding_box(const CrsBox& box) const;
    std::string root_layer(const std::vector<const LayerInfo*>& layers) const;
    std::string named_layer(const LayerInfo& layer) const;
    std::string styles(const LayerInfo& layer) const;

    const ServiceConfig& service_;
    bool v13_;
    std::string url_;
    std::string update_sequence_;
};

std::string Writer::document(const std::vector<const LayerInfo*>& layers) const {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string sequence = update_sequence_.empty()
                                     ? std::string()
                                     : " updateSequence=\"" + xml_escape(update_sequence_) + "\"";
    if (v13_) {
        xml += "<WMS_Capabilities version=\"1.3.0\"" + sequence +
               " xmlns=\"http://www.opengis.net/wms\""
               " xmlns:xlink=\"http://www.w3.org/1999/xlink\""
               " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
               " xsi:schemaLocation=\"http://www.opengis.net/wms"
               " http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd\">\n";
    } else {
        // The DTD leaves VendorSpecificCapabilities to the instance, and
        // fixes xmlns:xlink on OnlineResource itself.
        xml +=
            "<!DOCTYPE WMT_MS_Capabilities SYSTEM"
            " \"http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd\""
            " [ <!ELEMENT VendorSpecificCapabilities EMPTY> ]>\n"
            "<WMT_MS_Capabilities version=\"1.1.1\"" +
            sequence + ">\n";
    }
    xml += service_section() + capability(layers);
    return xml + (v13_ ? "</WMS_Capabilities>\n" : "</WMT_MS_Capabilities>\n");
}

std::string Writer::contact() const {
    const ContactInfo& c = service_.contact;
    std::string xml;
    if (!c.person.empty() || !c.organization.empty())
        xml += "<ContactPersonPrimary>" + element("ContactPerson", c.person) +
               element("ContactOrganization", c.organization) + "</ContactPersonPrimary>";
    if (!c.position.empty()) xml += element("ContactPosition", c.position);
    if (!c.address_type.empty())
        xml += "<ContactAddress>" + element("AddressType", c.address_type) +
               element("Address", c.address) + element("City", c.city) +
               element("StateOrProvince", c.state_or_province) + element("PostCode", c.post_code) +
               element("Country", c.country) + "</ContactAddress>";
    if (!c.voice_telephone.empty()) xml += element("ContactVoiceTelephone", c.voice_telephone);
    if (!c.email.empty()) xml += element("ContactElectronicMailAddress", c.email);
    return xml.empty() ? xml : "<ContactInformation>" + xml + "</ContactInformation>";
}

std::string Writer::service_section() const {
    std::string xml =
        "<Service>" + element("Name", v13_ ? "WMS" : "OGC:WMS") + element("Title", service_.title);
    if (!service_.abstract.empty()) xml += element("Abstract", service_.abstract);
    xml += keyword_list(service_.keywords);
    xml += online_resource(service_.online_resource, v13_) + contact();
    xml += element("Fees", service_.fees.empty() ? "none" : service_.fees);
    xml += element("AccessConstraints",
                   service_.access_constraints.empty() ? "none" : service_.access_constraints);
    if (v13_) {
        if (service_.layer_limit != 0)
            xml += element("LayerLimit", std::to_string(service_.layer_limit));
        xml += element("MaxWidth", std::to_string(service_.max_width));
        xml += element("MaxHeight", std::to_string(service_.max_height));
    }
    return xml + "</Service>\n";
}

std::string Writer::operation(std::string_view name,
                              std::initializer_list<std::string_view> formats) const {
    std::string xml = "<" + std::string(name) + ">";
    for (const auto format : formats) xml += element("Format", format);
    return xml + "<DCPType><HTTP><Get>" + online_resource(url_, v13_) +
           "</Get></HTTP></DCPType></" + std::string(name) + ">\n";
}

std::string Writer::capability(const std::vector<const LayerInfo*>& layers) const {
    std::string xml = "<Capability>\n<Request>\n";
    xml += operation("GetCapabilities", {v13_ ? "text/xml" : "application/vnd.ogc.wms_xml"});
    xml += operation("GetMap", {"image/png", "image/png; mode=8bit", "image/jpeg", "image/webp"});
    xml += operation("GetFeatureInfo", {"text/plain", "text/html", "application/json", "text/xml"});
    // 1.3.0 would need the SLD schema's extended operation; LegendURL covers it.
    if (!v13_) xml += operation("GetLegendGraphic", {"image/png"});
    xml += "</Request>\n<Exception>";
    if (v13_) {
        xml += element("Format", "XML") + element("Format", "INIMAGE") + element("Format", "BLANK");
    } else {
        xml += element("Format", "application/vnd.ogc.se_xml") +
               element("Format", "application/vnd.ogc.se_inimage") +
               element("Format", "application/vnd.ogc.se_blank");
    }
    xml += "</Exception>\n" + root_layer(layers);
    return xml + "</Capability>\n";
}

std::string Writer::geographic_box(const GeoBox& box) const {
    const auto n = [](double v) { return format_number(v); };
    if (!v13_)
        return "<LatLonBoundingBox minx=\"" + n(box.west) + "\" miny=\"" + n(box.south) +
               "\" maxx=\"" + n(box.east) + "\" maxy=\"" + n(box.north) + "\"/>";
    return "<EX_GeographicBoundingBox>" + element("westBoundLongitude", n(box.west)) +
           element("eastBoundLongitude", n(box.east)) +
           element("southBoundLatitude", n(box.south)) +
           element("northBoundLatitude", n(box.north)) + "</EX_GeographicBoundingBox>";
}

std::string Writer::bounding_box(const CrsBox& crs) const {
    const auto n = [](double v) { return format_number(v); };
    MapBox b = crs.box;
    // WMS 1.3.0 writes a box in its CRS's own axis order: EPSG:4326's minx
    // is the southern latitude.
    if (v13_ && crs.yx_in_130) b = {b.miny, b.minx, b.maxy, b.maxx};
    return "<BoundingBox " + std::string(v13_ ? "CRS" : "SRS") + "=\"" + xml_escape(crs.crs) +
           "\" minx=\"" + n(b.minx) + "\" miny=\"" + n(b.miny) + "\" maxx=\"" + n(b.maxx) +
           "\" maxy=\"" + n(b.maxy) + "\"/>";
}

std::string Writer::root_layer(const std::vector<const LayerInfo*>& layers) const {
    std::optional<GeoBox> all;
    for (const LayerInfo* layer : layers) {
        const GeoBox& e = layer->extent;
        all = all ? GeoBox{std::min(all->west, e.west), std::min(all->south, e.south),
                           std::max(all->east, e.east), std::max(all->north, e.north)}
                  : e;
    }
    std::string xml = "<Layer>" + element("Title", service_.title);
    for (const auto& crs : service_.crs)
        if (const auto ref = resolve_crs(crs); ref && advertised(ref->name))
            xml += crs_element(ref->name);
    if (all) {
        xml += geographic_box(*all);
        for (const auto& crs : service_.crs) {
            const auto ref = resolve_crs(crs);
            if (!ref || !advertised(ref->name)) continue;
            const auto box =
                ref->name == "CRS:84"
                    ? std::optional<MapBox>({all->west, all->south, all->east, all->north})
                    : project_extent(*all, ref->epsg);
            if (box) xml += bounding_box({ref->name, *box, ref->yx_in_130});
        }
    }
    xml += "\n";
    for (const LayerInfo* layer : layers) xml += named_layer(*layer);
    return xml + "</Layer>\n";
}

std::string Writer::styles(const LayerInfo& layer) const {
    std::string xml;
    for (const auto& name : style_names(layer)) {
        const auto paint = resolve_style(layer, name);
        const LegendSize size =
            layer.vector ? vector_legend_size(*layer.vector) : natural_legend_size(*paint);
        const std::string href = url_ + "SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=" +
                                 std::string(v13_ ? "1.3.0" : "1.1.1") +
                                 "&FORMAT=image/png&LAYER=" + layer.name + "&STYLE=" + name;
        xml += "<Style>" + element("Name", name) + element("Title", name) + "<LegendURL width=\"" +
               std::to_string(size.width) + "\" height=\"" + std::to_string(size.height) + "\">" +
               element("Format", "image/png") + online_resource(href, v13_) +
               "</LegendURL></Style>";
    }
    return xml;
}

std::string Writer::named_layer(const LayerInfo& layer) const {
    std::string xml = "<Layer queryable=\"" + std::string(layer.queryable ? "1" : "0") + "\">" +
                      element("Name", layer.name) +
                      element("Title", layer.title.empty() ? layer.name : layer.title);
    if (!layer.abstract.empty()) xml += element("Abstract", layer.abstract);
    xml += keyword_list(layer.keywords);
    // The root lists the service's CRSs; a child adds only its own (inheritance).
    for (const auto& box : layer.crs_boxes) {
        const bool inherited = std::any_of(service_.crs.begin(), service_.crs.end(), [&](auto& c) {
            const auto ref = resolve_crs(c);
            return ref && ref->name == box.crs;
        });
        if (!inherited && advertised(box.crs)) xml += crs_element(box.crs);
    }
    xml += geographic_box(layer.extent);
    for (const auto& box : layer.crs_boxes)
        if (advertised(box.crs)) xml += bounding_box(box);
    return xml + styles(layer) + "</Layer>\n";
}

// A box of the layer's data in one CRS, cut down to the part the area
// covers. Where they do not meet, the area's own box: the client's region,
// empty of this layer's data, is still where "zoom to layer" should go.
std::optional<MapBox> clip_box(const MapBox& box, const AreaOutline& area) {
    if (auto clipped = area.clipped_envelope(box)) return clipped;
    return area.envelope();
}

LayerInfo clip_to_area(const LayerInfo& layer, const Area& area) {
    LayerInfo out = layer;
    const GeoBox& e = layer.extent;
    if (const auto box = clip_box({e.west, e.south, e.east, e.north}, *area.outline(4326)))
        out.extent = {box->minx, box->miny, box->maxx, box->maxy};
    for (auto& crs : out.crs_boxes) {
        const auto ref = resolve_crs(crs.crs);
        if (!ref) continue;
        if (const auto box = clip_box(crs.box, *area.outline(ref->epsg))) crs.box = *box;
    }
    return out;
}

}  // namespace

std::string capabilities_xml(const ServiceConfig& service, const LayerCatalog& catalog,
                             const ClientView& view, WmsVersion version,
                             std::string_view update_sequence) {
    std::vector<const LayerInfo*> visible;
    // Layers limited to an area are described by copies with their boxes
    // clipped; reserved so that pointers into it stay put.
    std::vector<LayerInfo> clipped;
    clipped.reserve(view.areas.size());
    for (const auto& layer : catalog.layers()) {
        if (!view.layers.contains(layer.name)) continue;
        if (const Area* area = view.area_of(layer.name)) {
            clipped.push_back(clip_to_area(layer, *area));
            visible.push_back(&clipped.back());
        } else {
            visible.push_back(&layer);
        }
    }
    return Writer(service, version, update_sequence).document(visible);
}

std::string_view capabilities_content_type(WmsVersion version) {
    return version == WmsVersion::v1_3_0 ? "text/xml" : "application/vnd.ogc.wms_xml";
}

}  // namespace wmsgate::wms

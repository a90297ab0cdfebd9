#include "wms/feature_info.hpp"

#include <ogr_spatialref.h>

#include <cmath>
#include <cstdlib>

#include "wms/crs_reach.hpp"
#include "wms/dataset_cache.hpp"
#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/source_georef.hpp"
#include "wms/xml.hpp"

namespace wmsgate::wms {
namespace {

// (x, y) of EPSG:epsg in the dataset's pixel/line space, through the
// thread's cached transformation, as maps are drawn.
std::optional<std::pair<double, double>> to_pixel(GDALDataset& dataset, int epsg, double x,
                                                  double y) {
    const auto georef = source_georef(dataset, epsg);
    if (!georef || georef->relation == CrsRelation::unrelated) return std::nullopt;
    if (georef->relation == CrsRelation::transformed) {
        int ok = FALSE;
        transform_within(*georef->to_source, georef->reach, 1, &x, &y, &ok);
        if (!ok) return std::nullopt;
    }
    const auto& inverse = georef->inverse_gt;
    return std::pair{inverse[0] + x * inverse[1] + y * inverse[2],
                     inverse[3] + x * inverse[4] + y * inverse[5]};
}

std::string number(double v) {
    return format_number(v);
}

std::string value_text(const std::optional<double>& v, std::string_view none) {
    return v ? number(*v) : std::string(none);
}

// JSON has no NaN or infinity: such a band value is reported as null.
std::string json_value(const std::optional<double>& v) {
    return v && std::isfinite(*v) ? number(*v) : std::string("null");
}

// xs:double spells them NaN, INF and -INF.
std::string xml_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
    return number(v);
}

std::string attribute_text(const FeatureAttribute& a) {
    return a.value ? *a.value : std::string("null");
}

std::string features_text(const LayerValues& layer) {
    std::string out;
    for (const auto& feature : layer.features) {
        out += "  Feature " + std::to_string(feature.fid) + ":\n";
        for (const auto& a : feature.attributes)
            out += "    " + a.name + " = " + attribute_text(a) + "\n";
    }
    return out;
}

std::string as_text(const std::vector<LayerValues>& layers, unsigned count) {
    std::string out;
    for (const auto& layer : layers) {
        out += "Layer '" + layer.layer + "'\n";
        if (layer.vector && layer.inside) {
            out += features_text(layer);
            continue;
        }
        if (!layer.inside || count == 0) {
            out += "  no data at this point\n";
            continue;
        }
        for (std::size_t b = 0; b < layer.bands.size(); ++b)
            out += "  band_" + std::to_string(b + 1) + " = " +
                   value_text(layer.bands[b], "nodata") + "\n";
    }
    return out;
}

std::string as_html(const std::vector<LayerValues>& layers, unsigned count) {
    std::string out =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Feature "
        "info</title></head><body>\n";
    for (const auto& layer : layers) {
        out += "<table><caption>" + xml_escape(layer.layer) + "</caption>\n";
        if (layer.vector && layer.inside) {
            for (const auto& feature : layer.features) {
                out +=
                    "<tr><th colspan=\"2\">Feature " + std::to_string(feature.fid) + "</th></tr>\n";
                for (const auto& a : feature.attributes)
                    out += "<tr><th>" + xml_escape(a.name) + "</th><td>" +
                           xml_escape(attribute_text(a)) + "</td></tr>\n";
            }
        } else if (layer.inside && count > 0) {
            for (std::size_t b = 0; b < layer.bands.size(); ++b)
                out += "<tr><th>band_" + std::to_string(b + 1) + "</th><td>" +
                       value_text(layer.bands[b], "nodata") + "</td></tr>\n";
        } else {
            out += "<tr><td>no data at this point</td></tr>\n";
        }
        out += "</table>\n";
    }
    return out + "</body></html>\n";
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        // Attribute values may hold line breaks or other control characters.
        if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
            continue;
        }
        out += c;
    }
    return out + "\"";
}

// A number as it came from the source when it is one JSON can hold.
std::string json_attribute(const FeatureAttribute& a) {
    if (!a.value) return "null";
    if (a.number) {
        const double v = std::strtod(a.value->c_str(), nullptr);
        if (std::isfinite(v) && !a.value->empty()) return *a.value;
    }
    return json_string(*a.value);
}

// GeoJSON-like: one feature per layer with values, properties band_N; a
// vector layer's features with their attributes.
std::string as_json(const std::vector<LayerValues>& layers, unsigned count) {
    std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
    bool first = true;
    for (const auto& layer : layers) {
        if (layer.vector) {
            for (const auto& feature : layer.features) {
                out += std::string(first ? "" : ",") +
                       "{\"type\":\"Feature\",\"id\":" + std::to_string(feature.fid) +
                       ",\"layer\":" + json_string(layer.layer) +
                       ",\"geometry\":null,\"properties\":{";
                for (std::size_t k = 0; k < feature.attributes.size(); ++k)
                    out += std::string(k == 0 ? "" : ",") +
                           json_string(feature.attributes[k].name) + ":" +
                           json_attribute(feature.attributes[k]);
                out += "}}";
                first = false;
            }
            continue;
        }
        if (!layer.inside || count == 0) continue;
        out += std::string(first ? "" : ",") +
               "{\"type\":\"Feature\",\"layer\":" + json_string(layer.layer) +
               ",\"geometry\":null,\"properties\":{";
        for (std::size_t b = 0; b < layer.bands.size(); ++b)
            out += std::string(b == 0 ? "" : ",") + "\"band_" + std::to_string(b + 1) +
                   "\":" + json_value(layer.bands[b]);
        out += "}}";
        first = false;
    }
    return out + "]}\n";
}

std::string as_xml(const std::vector<LayerValues>& layers, unsigned count) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FeatureInfoResponse>\n";
    for (const auto& layer : layers) {
        out += "  <Layer name=\"" + xml_escape(layer.layer) + "\">";
        if (layer.vector) {
            for (const auto& feature : layer.features) {
                out += "<Feature fid=\"" + std::to_string(feature.fid) + "\">";
                for (const auto& a : feature.attributes) {
                    out += "<Attribute name=\"" + xml_escape(a.name) + "\"";
                    out +=
                        a.value ? ">" + xml_escape(*a.value) + "</Attribute>" : " null=\"true\"/>";
                }
                out += "</Feature>";
            }
        } else if (layer.inside && count > 0) {
            out += "<Feature>";
            for (std::size_t b = 0; b < layer.bands.size(); ++b) {
                out += "<Band index=\"" + std::to_string(b + 1) + "\"";
                out += layer.bands[b] ? ">" + xml_value(*layer.bands[b]) + "</Band>"
                                      : " nodata=\"true\"/>";
            }
            out += "</Feature>";
        }
        out += "</Layer>\n";
    }
    return out + "</FeatureInfoResponse>\n";
}

}  // namespace

std::optional<std::pair<int, int>> pixel_cell(double x, double y, int width, int height) {
    // NaN fails every comparison below, and a NaN or huge double cast to int
    // is undefined behaviour: test finiteness first.
    if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
    const double px = std::floor(x), py = std::floor(y);
    if (px < 0 || py < 0 || px >= width || py >= height) return std::nullopt;
    return std::pair{static_cast<int>(px), static_cast<int>(py)};
}

std::pair<double, double> pixel_centre(const GetMapRequest& map, unsigned i, unsigned j) {
    const MapBox& b = map.bbox;
    return {b.minx + (i + 0.5) * (b.maxx - b.minx) / map.image.width,
            b.maxy - (j + 0.5) * (b.maxy - b.miny) / map.image.height};
}

tl::expected<LayerValues, SampleError> sample_point(const std::string& layer,
                                                    const std::string& source, int epsg, double x,
                                                    double y) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    GDALDataset* dataset = thread_dataset(source);
    if (dataset == nullptr)
        return tl::unexpected(
            SampleError{make_error_code(Errc::dataset_unreadable), QuietGdalErrors::last_error()});
    LayerValues out{layer, {}, false, false, {}};
    const auto pixel = to_pixel(*dataset, epsg, x, y);
    if (!pixel) return out;
    const auto cell = pixel_cell(pixel->first, pixel->second, dataset->GetRasterXSize(),
                                 dataset->GetRasterYSize());
    if (!cell) return out;
    const auto [px, py] = *cell;
    out.inside = true;
    for (int b = 1; b <= dataset->GetRasterCount(); ++b) {
        GDALRasterBand* band = dataset->GetRasterBand(b);
        double value = 0;
        if (band->RasterIO(GF_Read, px, py, 1, 1, &value, 1, 1, GDT_Float64, 0, 0, nullptr) !=
            CE_None) {
            // GDAL's reason first: closing the handle may leave messages of its own.
            SampleError failed{make_error_code(Errc::render_failed), QuietGdalErrors::last_error()};
            forget_thread_dataset(source);
            return tl::unexpected(std::move(failed));
        }
        int has_nodata = FALSE;
        const double nodata = band->GetNoDataValue(&has_nodata);
        const bool missing =
            (has_nodata && (value == nodata || (std::isnan(nodata) && std::isnan(value))));
        out.bands.push_back(missing ? std::nullopt : std::optional<double>(value));
    }
    return out;
}

std::string format_feature_info(const std::vector<LayerValues>& layers, InfoFormat format,
                                unsigned feature_count) {
    switch (format) {
        case InfoFormat::text:
            return as_text(layers, feature_count);
        case InfoFormat::html:
            return as_html(layers, feature_count);
        case InfoFormat::json:
            return as_json(layers, feature_count);
        case InfoFormat::xml:
            return as_xml(layers, feature_count);
    }
    return as_text(layers, feature_count);
}

std::string_view info_content_type(InfoFormat format) {
    switch (format) {
        case InfoFormat::text:
            return "text/plain";
        case InfoFormat::html:
            return "text/html";
        case InfoFormat::json:
            return "application/json";
        case InfoFormat::xml:
            return "text/xml";
    }
    return "text/plain";
}

}  // namespace wmsgate::wms

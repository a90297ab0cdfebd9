#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wms/resampling.hpp"
#include "wms/vector_style.hpp"

namespace wmsgate::wms {

// How a single-band raster is drawn. RGB and RGBA rasters are drawn as they
// are and offer only the style "default".
enum class RampKind { grey, elevation, viridis };

struct LayerConfig {
    std::string name;
    std::string title;
    std::string source;  // anything GDAL opens
    std::string abstract;
    std::vector<std::string> keywords;
    // CRSs advertised for this layer on top of the service's list and the
    // dataset's own; GetMap accepts any EPSG code GDAL knows regardless.
    std::vector<std::string> crs;
    bool queryable = true;
    // Single-band only: the style used when STYLES names none.
    RampKind default_style = RampKind::grey;
    // Single-band only: the value range stretched over the ramp; computed
    // from the data (approximate min/max) when absent.
    std::optional<double> min;
    std::optional<double> max;
    Resampling resampling = Resampling::bilinear;

    // A vector layer when set: the OGR layer inside `source` (a file, or
    // "PG:..." for PostGIS). The keys below apply to vector layers only.
    std::string source_layer;
    // The attributes GetFeatureInfo may return; empty: all of them.
    std::vector<std::string> fields;
    // First match wins; none: default_vector_rule().
    std::vector<VectorRule> rules;

    bool is_vector() const { return !source_layer.empty(); }
};

struct ContactInfo {
    std::string person;
    std::string organization;
    std::string position;
    std::string address_type;  // e.g. "postal"; the address is written only when set
    std::string address;
    std::string city;
    std::string state_or_province;
    std::string post_code;
    std::string country;
    std::string voice_telephone;
    std::string email;
};

struct ServiceConfig {
    std::string title = "wmsgate";
    std::string abstract;
    // Base URL written into capabilities, e.g. "http://10.77.0.1:8080/wms".
    std::string online_resource;
    unsigned max_width = 4096;
    unsigned max_height = 4096;
    std::vector<LayerConfig> layers;

    std::vector<std::string> keywords;
    ContactInfo contact;
    std::string fees;                // empty: "none"
    std::string access_constraints;  // empty: "none"
    // CRSs every layer offers (root layer of the capabilities).
    std::vector<std::string> crs = {"EPSG:4326", "CRS:84", "EPSG:3857"};
    // Most layers one GetMap may name; 0 means no limit.
    unsigned layer_limit = 16;
    // Most WIDTH x HEIGHT x layers (duplicates counted) one GetMap may cost;
    // 0 means no limit. The default allows four layers at 4096x4096.
    std::uint64_t max_request_pixels = std::uint64_t{4096} * 4096 * 4;
    // Folded into every client's updateSequence (see view_sequence): bump it
    // after replacing a layer's data under the same file name.
    std::string update_sequence;
    // GDAL raster block cache in MiB, shared by all render threads; 0 keeps
    // GDAL's default (5 % of RAM).
    unsigned gdal_block_cache_mb = 0;
    // Deflate level of PNG output (1..9). Not libpng's 6: encoding is most
    // of a small PNG map's time, and on bench/wms's maps 1 encodes in 55-75 %
    // of level 2's time for 3-6 % more bytes (2 is 30 % faster than 6 for
    // 1.5 % more). The PNG filters already take a third off imagery maps.
    int png_compression = 1;
    int jpeg_quality = 75;  // JPEG and lossy WebP
};

}  // namespace wmsgate::wms

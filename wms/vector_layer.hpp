#pragma once

#include <string>
#include <vector>

#include "wms/vector_style.hpp"

namespace wmsgate::wms {

// What a vector layer is read from and drawn with; immutable and shared by
// the catalog and every map job that draws it.
// What the layer's geometry type says it holds; legends draw its symbol.
enum class GeometryKind { point, line, polygon, mixed };

struct VectorLayerSpec {
    std::string source;               // anything OGR opens: a file, or "PG:..." for PostGIS
    std::string source_layer;         // the OGR layer inside it
    std::vector<VectorRule> rules;    // never empty: default_vector_rule() when none configured
    std::vector<std::string> fields;  // GetFeatureInfo's attributes; empty: all
    GeometryKind kind = GeometryKind::mixed;
};

}  // namespace wmsgate::wms

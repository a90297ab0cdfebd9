#pragma once

#include <string>
#include <vector>

namespace wmsgate::wms {

struct LayerConfig {
    std::string name;
    std::string title;
    std::string source;  // anything GDAL opens
};

struct ServiceConfig {
    std::string title = "wmsgate";
    std::string abstract;
    // Base URL written into capabilities, e.g. "http://10.77.0.1:8080/wms".
    std::string online_resource;
    unsigned max_width = 4096;
    unsigned max_height = 4096;
    std::vector<LayerConfig> layers;
};

}  // namespace wmsgate::wms

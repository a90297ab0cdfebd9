#pragma once

// OGR layers opened by the calling thread, with the rules' filters compiled
// against them. Private to wms/.

#include <ogrsf_frmts.h>

#include <memory>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "wms/errors.hpp"
#include "wms/vector_layer.hpp"

namespace wmsgate::wms {

struct VectorOpenError {
    Errc code;
    std::string detail;  // which layer, rule or field, and what OGR said
};

// One open OGR layer. Like a raster dataset, never used by two threads at
// once (GDAL 3.6): each render thread has its own (thread_vector_source).
class VectorSource {
  public:
    // Opens the source, finds the layer, compiles every rule's filter with
    // OGR's SQL dialect (so a filter means the same for every format) and
    // checks that every configured field exists.
    static tl::expected<std::unique_ptr<VectorSource>, VectorOpenError> open(
        const VectorLayerSpec& spec);

    OGRLayer& layer() const { return *layer_; }

    // The index of the first rule with active[i] set whose filter the
    // feature passes; nullopt when none does.
    std::optional<std::size_t> first_match(OGRFeature& feature,
                                           const std::vector<char>& active) const;

    // Drawing reads only the attributes the filters need; a query also
    // those GetFeatureInfo may return.
    enum class Purpose { draw, query };
    void read_fields_for(Purpose purpose);

    // Whether OGR can answer a bounding-box filter from an index.
    bool has_spatial_index() const;

  private:
    VectorSource() = default;

    GDALDatasetUniquePtr dataset_;
    OGRLayer* layer_ = nullptr;
    // One per rule; null where the rule has no filter.
    std::vector<std::unique_ptr<OGRFeatureQuery>> filters_;
    std::vector<std::string> draw_fields_;   // used by any filter
    std::vector<std::string> query_fields_;  // draw_fields_ and the spec's fields (all when empty)
    std::optional<Purpose> reading_;
};

// The calling thread's handle on the spec's layer, opened on first use and
// kept until forget_all_thread_datasets(); nullptr when it cannot be opened.
// Valid until this thread's next call here.
VectorSource* thread_vector_source(const VectorLayerSpec& spec);

// Drops this thread's handle (after a read failed).
void forget_thread_vector_source(const VectorLayerSpec& spec);

}  // namespace wmsgate::wms

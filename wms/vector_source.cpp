#include "wms/vector_source.hpp"

#include <cpl_string.h>

#include <algorithm>
#include <map>

#include "wms/dataset_cache.hpp"
#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

std::string layer_names(GDALDataset& dataset) {
    std::string names;
    for (OGRLayer* layer : dataset.GetLayers())
        names += (names.empty() ? "" : ", ") + std::string(layer->GetName());
    return names.empty() ? "none" : names;
}

std::string field_names(OGRFeatureDefn& defn) {
    std::string names;
    for (int i = 0; i < defn.GetFieldCount(); ++i)
        names += (names.empty() ? "" : ", ") + std::string(defn.GetFieldDefn(i)->GetNameRef());
    return names.empty() ? "none" : names;
}

bool has_field(OGRFeatureDefn& defn, const std::string& name) {
    return defn.GetFieldIndex(name.c_str()) >= 0;
}

void add_unique(std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

}  // namespace

tl::expected<std::unique_ptr<VectorSource>, VectorOpenError> VectorSource::open(
    const VectorLayerSpec& spec) {
    ensure_gdal_registered();
    std::unique_ptr<VectorSource> source(new VectorSource);
    source->dataset_.reset(GDALDataset::FromHandle(GDALOpenEx(
        spec.source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!source->dataset_) return tl::unexpected(VectorOpenError{Errc::dataset_unreadable, {}});
    source->layer_ = source->dataset_->GetLayerByName(spec.source_layer.c_str());
    if (source->layer_ == nullptr)
        return tl::unexpected(
            VectorOpenError{Errc::vector_layer_missing,
                            "no layer '" + spec.source_layer +
                                "' in the source; it has: " + layer_names(*source->dataset_)});
    OGRFeatureDefn& defn = *source->layer_->GetLayerDefn();
    for (std::size_t i = 0; i < spec.rules.size(); ++i) {
        const std::string& filter = spec.rules[i].filter;
        if (filter.empty()) {
            source->filters_.emplace_back();
            continue;
        }
        // OGRFeatureQuery evaluates one feature at a time, which "first
        // matching rule wins" needs; a layer's attribute filter only
        // selects features for a single expression.
        auto query = std::make_unique<OGRFeatureQuery>();
        CPLErrorReset();
        if (query->Compile(source->layer_, filter.c_str()) != OGRERR_NONE) {
            return tl::unexpected(VectorOpenError{
                Errc::vector_filter_invalid, "rule " + std::to_string(i + 1) + " filter \"" +
                                                 filter + "\": " + QuietGdalErrors::last_error()});
        }
        if (char** used = query->GetUsedFields()) {
            for (char** name = used; *name != nullptr; ++name)
                add_unique(source->draw_fields_, *name);
            CSLDestroy(used);
        }
        source->filters_.push_back(std::move(query));
    }
    source->query_fields_ = source->draw_fields_;
    // A table's primary key (PostGIS, GeoPackage) is OGR's FID, not a field;
    // fields may still name it.
    const std::string fid_column = source->layer_->GetFIDColumn();
    for (const auto& field : spec.fields) {
        if (!fid_column.empty() && EQUAL(field.c_str(), fid_column.c_str())) continue;
        if (!has_field(defn, field))
            return tl::unexpected(VectorOpenError{
                Errc::vector_field_missing,
                "field '" + field + "' in fields; the layer's fields are: " + field_names(defn)});
        add_unique(source->query_fields_, field);
    }
    if (spec.fields.empty()) {
        for (int i = 0; i < defn.GetFieldCount(); ++i)
            add_unique(source->query_fields_, defn.GetFieldDefn(i)->GetNameRef());
    }
    return source;
}

std::optional<std::size_t> VectorSource::first_match(OGRFeature& feature,
                                                     const std::vector<char>& active) const {
    for (std::size_t i = 0; i < filters_.size(); ++i) {
        if (!active[i]) continue;
        if (!filters_[i] || filters_[i]->Evaluate(&feature)) return i;
    }
    return std::nullopt;
}

void VectorSource::read_fields_for(Purpose purpose) {
    if (reading_ == purpose) return;
    reading_ = purpose;
    const auto& needed = purpose == Purpose::draw ? draw_fields_ : query_fields_;
    OGRFeatureDefn& defn = *layer_->GetLayerDefn();
    CPLStringList ignored;
    for (int i = 0; i < defn.GetFieldCount(); ++i) {
        const char* name = defn.GetFieldDefn(i)->GetNameRef();
        if (std::find(needed.begin(), needed.end(), name) == needed.end()) ignored.AddString(name);
    }
    ignored.AddString("OGR_STYLE");
    // Drivers that cannot skip fields read them all; nothing else changes.
    layer_->SetIgnoredFields(const_cast<const char**>(ignored.List()));
}

bool VectorSource::has_spatial_index() const {
    return layer_->TestCapability(OLCFastSpatialFilter) != 0;
}

namespace {

std::string cache_key(const VectorLayerSpec& spec) {
    // Two layers may draw the same OGR layer with different rules: the
    // compiled filters belong to the key.
    std::string key = spec.source + '\x1f' + spec.source_layer;
    for (const auto& rule : spec.rules) key += '\x1f' + rule.filter;
    for (const auto& field : spec.fields) key += '\x1e' + field;
    return key;
}

class VectorCache {
  public:
    VectorSource* get(const VectorLayerSpec& spec) {
        if (const auto now = thread_datasets_generation(); now != generation_) {
            sources_.clear();
            generation_ = now;
        }
        auto key = cache_key(spec);
        if (const auto it = sources_.find(key); it != sources_.end()) return it->second.get();
        if (sources_.size() >= 64) sources_.clear();
        auto source = VectorSource::open(spec);
        if (!source) return nullptr;
        return sources_.emplace(std::move(key), std::move(*source)).first->second.get();
    }
    void forget(const VectorLayerSpec& spec) { sources_.erase(cache_key(spec)); }

  private:
    std::map<std::string, std::unique_ptr<VectorSource>> sources_;
    std::uint64_t generation_ = thread_datasets_generation();
};

VectorCache& thread_cache() {
    thread_local VectorCache cache;
    return cache;
}

}  // namespace

VectorSource* thread_vector_source(const VectorLayerSpec& spec) {
    return thread_cache().get(spec);
}

void forget_thread_vector_source(const VectorLayerSpec& spec) {
    thread_cache().forget(spec);
}

}  // namespace wmsgate::wms

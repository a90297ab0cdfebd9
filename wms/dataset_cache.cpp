#include "wms/dataset_cache.hpp"

#include <atomic>
#include <cstdint>
#include <map>

#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

// Bumped by forget_all_thread_datasets(); each cache compares on use.
std::atomic<std::uint64_t> generation{0};

class DatasetCache {
  public:
    GDALDataset* get(const std::string& source) {
        if (const auto now = generation.load(); now != generation_) {
            datasets_.clear();
            generation_ = now;
        }
        if (const auto it = datasets_.find(source); it != datasets_.end()) return it->second.get();
        // A bound on open files; a catalog rarely has this many layers.
        if (datasets_.size() >= 64) datasets_.clear();
        auto dataset = open_raster(source);
        GDALDataset* raw = dataset.get();
        if (raw != nullptr) datasets_.emplace(source, std::move(dataset));
        return raw;
    }
    void forget(const std::string& source) { datasets_.erase(source); }

  private:
    std::map<std::string, GDALDatasetUniquePtr> datasets_;
    std::uint64_t generation_ = generation.load();
};

DatasetCache& thread_cache() {
    thread_local DatasetCache cache;
    return cache;
}

}  // namespace

GDALDataset* thread_dataset(const std::string& source) {
    return thread_cache().get(source);
}

void forget_thread_dataset(const std::string& source) {
    thread_cache().forget(source);
}

void forget_all_thread_datasets() {
    ++generation;
}

std::uint64_t thread_datasets_generation() {
    return generation.load();
}

}  // namespace wmsgate::wms

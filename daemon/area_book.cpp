#include "daemon/area_book.hpp"

#include <vector>

namespace wmsgate::daemon {

std::shared_ptr<const wms::Area> AreaBook::area_for(
    const std::set<provisioning::AreaKey>& keys) const {
    std::vector<std::shared_ptr<const wms::Area>> parts;
    for (const auto& key : keys) {
        const auto it = areas_.find(key);
        if (it == areas_.end() || !it->second) return nullptr;
        parts.push_back(it->second);
    }
    if (parts.size() == 1) return parts.front();
    std::lock_guard lock(mutex_);
    if (const auto it = unions_.find(keys); it != unions_.end()) return it->second;
    // Formed under the lock: a second request for the same union waits for
    // this one instead of doing the work again.
    auto united = wms::Area::union_of(parts);
    if (unions_.size() >= max_unions) unions_.clear();
    unions_.emplace(keys, united);
    return united;
}

}  // namespace wmsgate::daemon

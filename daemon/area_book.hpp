#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "provisioning/policy.hpp"
#include "wms/area.hpp"

namespace wmsgate::daemon {

// The geometry behind the policy's area keys, for one config: made at
// start-up and on each reload, never changed after. A peer whose groups
// limit a layer to several areas sees their union, formed on first use and
// kept (peers share groups, so unions are few).
class AreaBook {
  public:
    using Areas = std::map<provisioning::AreaKey, std::shared_ptr<const wms::Area>>;

    AreaBook() = default;
    explicit AreaBook(Areas areas) : areas_(std::move(areas)) {}

    // The union of the areas `keys` names; null when a key names no loaded
    // area or the union cannot be formed (the caller then shows nothing).
    std::shared_ptr<const wms::Area> area_for(const std::set<provisioning::AreaKey>& keys) const;

  private:
    // Bounds the cache against a registry with very many distinct group sets.
    static constexpr std::size_t max_unions = 256;

    // {}: clang (the fuzz build) deletes the defaulted constructor of a class
    // with a const member that has no initializer; g++ allowed it.
    const Areas areas_{};
    mutable std::mutex mutex_;  // request threads share the cache
    mutable std::map<std::set<provisioning::AreaKey>, std::shared_ptr<const wms::Area>> unions_;
};

}  // namespace wmsgate::daemon

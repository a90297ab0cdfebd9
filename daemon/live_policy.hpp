#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "daemon/area_book.hpp"
#include "provisioning/policy.hpp"
#include "wms/authorizer.hpp"

namespace wmsgate::daemon {

// The WMS's view of the policy. The daemon swaps in a new snapshot after
// every peer change; request threads only ever load the current one.
// Writers: only the daemon's event-loop thread, one at a time.
class LivePolicy final : public wms::Authorizer {
  public:
    LivePolicy()
        : snapshot_(std::make_shared<const provisioning::PolicySnapshot>()),
          areas_(std::make_shared<const AreaBook>()) {}

    void replace(std::shared_ptr<const provisioning::PolicySnapshot> next) {
        snapshot_.store(std::move(next));
    }

    // A reader may pair the new book with the old snapshot for a moment: a
    // key the new book lacks shows nothing of its layer, never all of it.
    void replace_areas(std::shared_ptr<const AreaBook> next) { areas_.store(std::move(next)); }

    // Copy-on-write: the current snapshot with `changed` as given, swapped in
    // whole. Load, copy and store are not one atomic step; that is safe
    // because there is one writer, and readers see the old snapshot or the
    // new one, never a mix.
    void update(const std::vector<provisioning::Peer>& changed,
                const provisioning::GroupLayers& groups,
                const provisioning::GroupAreas& areas = {}) {
        const auto current = snapshot_.load();
        replace(std::make_shared<const provisioning::PolicySnapshot>(
            current->with(changed, groups, areas)));
    }

    std::shared_ptr<const provisioning::PolicySnapshot> current() const { return snapshot_.load(); }

    std::optional<wms::ClientView> view_for(const boost::asio::ip::address& remote) const override {
        const auto current = snapshot_.load();
        auto access = current->lookup(remote);
        if (!access) return std::nullopt;
        wms::ClientView view{std::move(access->peer), std::move(access->layers)};
        if (access->areas.empty()) return view;
        const auto book = areas_.load();
        for (const auto& [layer, keys] : access->areas) {
            // No geometry for a key: the layer is not shown at all rather
            // than shown whole.
            if (auto area = book->area_for(keys)) {
                view.areas.emplace(layer, std::move(area));
            } else {
                view.layers.erase(layer);
            }
        }
        return view;
    }

  private:
    std::atomic<std::shared_ptr<const provisioning::PolicySnapshot>> snapshot_;
    std::atomic<std::shared_ptr<const AreaBook>> areas_;
};

}  // namespace wmsgate::daemon

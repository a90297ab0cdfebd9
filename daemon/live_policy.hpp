#pragma once

#include <atomic>
#include <memory>

#include "provisioning/policy.hpp"
#include "wms/authorizer.hpp"

namespace wmsgate::daemon {

// The WMS's view of the policy. The daemon swaps in a new snapshot after
// every peer change; request threads only ever load the current one.
class LivePolicy final : public wms::Authorizer {
  public:
    LivePolicy() : snapshot_(std::make_shared<const provisioning::PolicySnapshot>()) {}

    void replace(std::shared_ptr<const provisioning::PolicySnapshot> next) {
        snapshot_.store(std::move(next));
    }

    std::optional<wms::ClientView> view_for(const boost::asio::ip::address& remote) const override {
        const auto current = snapshot_.load();
        auto access = current->lookup(remote);
        if (!access) return std::nullopt;
        return wms::ClientView{std::move(access->peer), std::move(access->layers)};
    }

  private:
    std::atomic<std::shared_ptr<const provisioning::PolicySnapshot>> snapshot_;
};

}  // namespace wmsgate::daemon

#include "wms/connection_limits.hpp"

namespace wmsgate::wms {

ConnectionLimits::ConnectionLimits(std::size_t total, std::size_t per_client)
    : total_(total), per_client_(per_client) {}

ConnectionLimits::Slot::Slot(ConnectionLimits* owner, std::string client)
    : owner_(owner), client_(std::move(client)) {}

ConnectionLimits::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), client_(std::move(other.client_)) {}

ConnectionLimits::Slot::~Slot() {
    if (owner_ != nullptr) owner_->release(client_);
}

tl::expected<ConnectionLimits::Slot, Refusal> ConnectionLimits::acquire(const std::string& client) {
    std::lock_guard lock(mutex_);
    if (open_ >= total_) return tl::unexpected(Refusal::total_limit);
    auto& mine = by_client_[client];
    if (mine >= per_client_) return tl::unexpected(Refusal::client_limit);
    ++mine;
    ++open_;
    return Slot(this, client);
}

std::size_t ConnectionLimits::open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

std::size_t ConnectionLimits::open(const std::string& client) const {
    std::lock_guard lock(mutex_);
    const auto it = by_client_.find(client);
    return it == by_client_.end() ? 0 : it->second;
}

void ConnectionLimits::release(const std::string& client) {
    std::lock_guard lock(mutex_);
    --open_;
    const auto it = by_client_.find(client);
    if (it != by_client_.end() && --it->second == 0) by_client_.erase(it);
}

}  // namespace wmsgate::wms

#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wmsgate::daemon {

// Requests served per peer since the daemon started, for `status`. Counted
// from the WMS access log, which sessions call from their own threads.
class RequestCounter {
  public:
    void count(const std::string& peer) {
        std::lock_guard lock(mutex_);
        ++served_[peer];
    }
    std::uint64_t served(const std::string& peer) const {
        std::lock_guard lock(mutex_);
        const auto it = served_.find(peer);
        return it == served_.end() ? 0 : it->second;
    }

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::uint64_t> served_;
};

}  // namespace wmsgate::daemon

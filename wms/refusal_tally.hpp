#pragma once

// Counts refused connections between two summaries. Private to wms/.

#include <map>
#include <mutex>
#include <string>

#include "wms/connection_limits.hpp"
#include "wms/server.hpp"

namespace wmsgate::wms {

// Thread-safe. Per-client counts are kept for at most max_clients clients
// per interval, so a flood from many addresses cannot grow it.
class RefusalTally {
  public:
    void count(Refusal reason, const std::string& client) {
        std::lock_guard lock(mutex_);
        switch (reason) {
            case Refusal::unknown_client:
                ++summary_.unknown_client;
                return;
            case Refusal::client_limit:
                ++summary_.client_limit;
                break;
            case Refusal::total_limit:
                ++summary_.total_limit;
                break;
        }
        if (by_client_.size() < max_clients || by_client_.contains(client)) ++by_client_[client];
    }
    void count_accept_failure() {
        std::lock_guard lock(mutex_);
        ++summary_.accept_failed;
    }
    // What was counted since the last take(), and a fresh start.
    RefusalSummary take() {
        std::lock_guard lock(mutex_);
        RefusalSummary out = summary_;
        for (const auto& [client, refused] : by_client_) {
            if (refused > out.top_client_refused) {
                out.top_client = client;
                out.top_client_refused = refused;
            }
        }
        summary_ = {};
        by_client_.clear();
        return out;
    }

  private:
    static constexpr std::size_t max_clients = 1024;
    std::mutex mutex_;
    RefusalSummary summary_;
    std::map<std::string, std::uint64_t> by_client_;
};

inline bool any_refused(const RefusalSummary& s) {
    return s.unknown_client + s.client_limit + s.total_limit + s.accept_failed > 0;
}

}  // namespace wmsgate::wms

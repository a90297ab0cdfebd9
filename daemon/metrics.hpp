#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "daemon/registry_health.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// The tunnel's figures at the moment of a scrape.
struct PeerFigures {
    std::size_t total = 0;             // peers on the device
    std::size_t recent_handshake = 0;  // of those, with a handshake in the last 3 minutes
};

// Counters for the Prometheus exposition at /metrics, fed by the WMS access
// log from the sessions' threads. Every label value comes from a bounded set
// (configured layer names, the four WMS operations, HTTP statuses), never
// from what a client typed.
class Metrics {
  public:
    void record(const wms::AccessRecord& record);

    // Answered requests since start, for the STATUS= line.
    std::uint64_t requests() const;

    // Prometheus text exposition format 0.0.4, for a scraper that may see
    // `visible_layers`: a layer it may not see does not exist for it here
    // either, so series naming other layers are left out. The totals
    // (render time, bytes, peers) name no layer and count everything.
    // `registry`: a fleet's shared registry adds its reachability.
    std::string exposition(const PeerFigures& peers, const RegistryHealth& registry,
                           const std::set<std::string>& visible_layers) const;

    // Render-time histogram upper bounds, in seconds.
    static constexpr std::array<double, 11> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1.0,  2.5,   5.0,  10.0};

  private:
    // layer ("" when the request named none), operation, HTTP status
    using RequestKey = std::tuple<std::string, std::string, unsigned>;

    mutable std::mutex mutex_;
    std::map<RequestKey, std::uint64_t> requests_by_key_;
    std::uint64_t requests_ = 0;
    std::uint64_t refused_connections_ = 0;
    std::uint64_t bytes_sent_ = 0;
    std::array<std::uint64_t, buckets.size()> render_buckets_{};  // not cumulative
    std::uint64_t render_count_ = 0;
    std::chrono::microseconds render_sum_{0};
};

// Prometheus's content type for the text format.
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace wmsgate::daemon

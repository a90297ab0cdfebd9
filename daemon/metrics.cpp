#include "daemon/metrics.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

namespace wmsgate::daemon {
namespace {

// The WMS operation a REQUEST value names (case-insensitively, with 1.0's
// short names), or "other": the label set stays closed whatever clients send.
std::string operation(std::string_view request) {
    std::string lower(request);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "getcapabilities" || lower == "capabilities") return "GetCapabilities";
    if (lower == "getmap" || lower == "map") return "GetMap";
    if (lower == "getfeatureinfo" || lower == "feature_info") return "GetFeatureInfo";
    if (lower == "getlegendgraphic") return "GetLegendGraphic";
    return "other";
}

// Label values are configured layer names and fixed words, but escape as
// the format requires anyway.
std::string label(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// As printf's %.6g, but never with the locale's decimal separator.
std::string seconds(double value) {
    std::array<char, 32> text{};
    const auto written =
        std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::general, 6);
    return {text.data(), written.ptr};
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

void Metrics::record(const wms::AccessRecord& record) {
    std::lock_guard lock(mutex_);
    // A connection reset at accept, before any request: from an address
    // that names no client, or over a connection limit.
    if (record.delivery == wms::Delivery::refused) {
        ++refused_connections_;
        return;
    }
    ++requests_;
    bytes_sent_ += record.bytes;
    const auto op = operation(record.request);
    if (record.layers.empty()) {
        ++requests_by_key_[{std::string(), op, record.status}];
    }
    for (const auto& layer : record.layers) ++requests_by_key_[{layer, op, record.status}];
    if (record.render_time.count() > 0) {
        const double s = std::chrono::duration<double>(record.render_time).count();
        const auto bucket = std::lower_bound(buckets.begin(), buckets.end(), s) - buckets.begin();
        if (bucket < static_cast<std::ptrdiff_t>(buckets.size())) ++render_buckets_[bucket];
        ++render_count_;
        render_sum_ += record.render_time;
    }
}

std::uint64_t Metrics::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::string Metrics::exposition(const PeerFigures& peers, const RegistryHealth& registry,
                                const std::set<std::string>& visible_layers) const {
    std::lock_guard lock(mutex_);
    std::string out;
    header(out, "wmsgate_requests_total", "counter",
           "WMS requests answered, by layer (empty: none named), operation and HTTP status. A "
           "GetMap of several layers counts once for each.");
    for (const auto& [key, count] : requests_by_key_) {
        const auto& [layer, op, status] = key;
        if (!layer.empty() && !visible_layers.contains(layer)) continue;
        out += "wmsgate_requests_total{layer=\"" + label(layer) + "\",request=\"" + label(op) +
               "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
    }
    header(out, "wmsgate_render_seconds", "histogram",
           "Time spent making WMS answers on the render pool.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        cumulative += render_buckets_[i];
        out += "wmsgate_render_seconds_bucket{le=\"" + seconds(buckets[i]) + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    out += "wmsgate_render_seconds_bucket{le=\"+Inf\"} " + std::to_string(render_count_) + "\n";
    out += "wmsgate_render_seconds_sum " +
           seconds(std::chrono::duration<double>(render_sum_).count()) + "\n";
    out += "wmsgate_render_seconds_count " + std::to_string(render_count_) + "\n";
    header(out, "wmsgate_sent_bytes_total", "counter", "Response body bytes sent to clients.");
    out += "wmsgate_sent_bytes_total " + std::to_string(bytes_sent_) + "\n";
    header(out, "wmsgate_refused_connections_total", "counter",
           "Connections reset because their address names no peer.");
    out += "wmsgate_refused_connections_total " + std::to_string(refused_connections_) + "\n";
    header(out, "wmsgate_peers", "gauge", "Peers on the WireGuard device.");
    out += "wmsgate_peers " + std::to_string(peers.total) + "\n";
    header(out, "wmsgate_peers_recent_handshake", "gauge",
           "Peers whose last handshake is less than 3 minutes old.");
    out += "wmsgate_peers_recent_handshake " + std::to_string(peers.recent_handshake) + "\n";
    if (!registry.shared) return out;
    // A fleet's shared registry: alert on reachable == 0 (the appliance
    // serves its last snapshot and refuses changes meanwhile).
    header(out, "wmsgate_registry_reachable", "gauge",
           "1 when the shared peer registry (PostgreSQL) can be reached, 0 when failing static.");
    out += "wmsgate_registry_reachable " + std::string(registry.reachable ? "1" : "0") + "\n";
    header(out, "wmsgate_registry_state_since_seconds", "gauge",
           "Unix time of the last change of wmsgate_registry_reachable.");
    out += "wmsgate_registry_state_since_seconds " +
           std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(registry.since.time_since_epoch())
                   .count()) +
           "\n";
    header(out, "wmsgate_registry_resyncs_total", "counter",
           "Whole re-reads of the shared registry (start-up and every return).");
    out += "wmsgate_registry_resyncs_total " + std::to_string(registry.resyncs) + "\n";
    return out;
}

}  // namespace wmsgate::daemon

#include "daemon/access_log.hpp"

#include "provisioning/join.hpp"

namespace wmsgate::daemon {
namespace {

std::string or_dash(const std::string& text) {
    return text.empty() ? "-" : text;
}

}  // namespace

void log_access(const Log& log, const wms::AccessRecord& r) {
    if (r.delivery == wms::Delivery::refused) return;
    const auto layers = or_dash(provisioning::joined(r.layers));
    if (!r.failure.empty()) {
        log.error(r.request + " failed: " + r.failure, {{"PEER", or_dash(r.client)},
                                                        {"REQUEST", r.request},
                                                        {"LAYER", layers},
                                                        {"ERROR", r.failure}});
    }
    log.info(r.request + " " + std::to_string(r.status),
             {{"REMOTE", r.remote},
              {"PEER", or_dash(r.client)},
              {"REQUEST", r.request},
              {"LAYER", layers},
              {"STATUS", std::to_string(r.status)},
              {"BYTES", std::to_string(r.bytes)},
              {"DELIVERY", std::string(wms::delivery_name(r.delivery))},
              {"NOTE", or_dash(r.note)},
              {"DURATION_MS", std::to_string(r.duration.count())}});
}

void log_refusals(const Log& log, const wms::RefusalSummary& r) {
    log.warning("connections refused", {{"INTERVAL_S", std::to_string(r.interval.count())},
                                        {"UNKNOWN_ADDRESS", std::to_string(r.unknown_client)},
                                        {"PEER_LIMIT", std::to_string(r.client_limit)},
                                        {"TOTAL_LIMIT", std::to_string(r.total_limit)},
                                        {"ACCEPT_FAILED", std::to_string(r.accept_failed)},
                                        {"PEER", or_dash(r.top_client)}});
}

}  // namespace wmsgate::daemon

#pragma once

// State shared by the server, its listener and its sessions. Private to wms/.
// Sessions can outlive the Server object by a few io_context handlers, so
// they hold this by shared_ptr and check `stopped` before calling out.

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "wms/connection_limits.hpp"
#include "wms/handler.hpp"
#include "wms/refusal_tally.hpp"
#include "wms/render_scheduler.hpp"
#include "wms/server.hpp"

namespace wmsgate::wms {

class HttpSession;

inline SchedulerLimits scheduler_limits(const ServerOptions& options) {
    const unsigned threads = std::max(1u, options.render_threads);
    const unsigned per_client = options.max_renders_per_client != 0 ? options.max_renders_per_client
                                                                    : std::max(1u, threads / 2);
    return {threads, per_client, options.max_queued_requests};
}

struct ServerContext {
    ServerContext(ServerOptions options, std::shared_ptr<const Handler> handler,
                  const Authorizer& authorizer, AccessLog access_log,
                  std::map<std::string, PageSource> pages, RefusalLog refusal_log,
                  std::chrono::seconds refusal_interval)
        : options(std::move(options)),
          handler(std::move(handler)),
          authorizer(authorizer),
          access_log(std::move(access_log)),
          pages(std::move(pages)),
          refusal_log(std::move(refusal_log)),
          refusal_interval(refusal_interval),
          connections(this->options.max_connections, this->options.max_connections_per_client),
          renders(scheduler_limits(this->options)) {}

    const ServerOptions options;
    // Swapped whole by reload(); each request keeps the one it started with.
    std::atomic<std::shared_ptr<const Handler>> handler;
    const Authorizer& authorizer;  // must outlive the server's stop()
    const AccessLog access_log;
    const std::map<std::string, PageSource> pages;  // path -> source
    const RefusalLog refusal_log;
    const std::chrono::seconds refusal_interval;
    ConnectionLimits connections;
    RefusalTally refusals;
    // Stopped (threads joined) by the server's stop(), never by the last
    // session to let go: that may be a render thread itself.
    RenderScheduler renders;
    std::atomic<bool> stopped{false};
    // Triggered by stop(): every request's render stops at its next band.
    std::stop_source stopping;
    // drain(): finish the request in hand, read no further one.
    std::atomic<bool> draining{false};

    // Open sessions, so that stop() can close them.
    std::mutex sessions_mutex;
    std::vector<std::weak_ptr<HttpSession>> sessions;
};

}  // namespace wmsgate::wms

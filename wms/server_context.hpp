#pragma once

// State shared by the server, its listener and its sessions. Private to wms/.
// Sessions can outlive the Server object by a few io_context handlers, so
// they hold this by shared_ptr and check `stopped` before calling out.

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wms/handler.hpp"
#include "wms/server.hpp"

namespace wmsgate::wms {

class HttpSession;

// The render pool as seen by sessions: posting after stop() is refused
// instead of touching a pool that is being joined or destroyed.
class RenderQueue {
  public:
    explicit RenderQueue(boost::asio::thread_pool& pool) : pool_(&pool) {}

    template <class Job>
    bool post(Job&& job) {
        std::lock_guard lock(mutex_);
        if (pool_ == nullptr) return false;
        boost::asio::post(*pool_, std::forward<Job>(job));
        return true;
    }

    void detach() {
        std::lock_guard lock(mutex_);
        pool_ = nullptr;
    }

  private:
    std::mutex mutex_;
    boost::asio::thread_pool* pool_;
};

struct ServerContext {
    ServerContext(ServerOptions options, std::shared_ptr<const Handler> handler,
                  const Authorizer& authorizer, AccessLog access_log,
                  std::map<std::string, PageSource> pages, boost::asio::thread_pool& pool)
        : options(std::move(options)),
          handler(std::move(handler)),
          authorizer(authorizer),
          access_log(std::move(access_log)),
          pages(std::move(pages)),
          renders(pool) {}

    const ServerOptions options;
    // Swapped whole by reload(); each request keeps the one it started with.
    std::atomic<std::shared_ptr<const Handler>> handler;
    const Authorizer& authorizer;  // must outlive the server's stop()
    const AccessLog access_log;
    const std::map<std::string, PageSource> pages;  // path -> source
    RenderQueue renders;
    std::atomic<bool> stopped{false};
    // drain(): finish the request in hand, read no further one.
    std::atomic<bool> draining{false};

    // Open sessions, so that stop() can close them.
    std::mutex sessions_mutex;
    std::vector<std::weak_ptr<HttpSession>> sessions;
};

}  // namespace wmsgate::wms

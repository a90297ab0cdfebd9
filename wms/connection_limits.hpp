#pragma once

// How many connections are open, per client and in all. Private to wms/.

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tl/expected.hpp>

namespace wmsgate::wms {

enum class Refusal {
    unknown_client,  // the address names no client
    client_limit,    // the client has max_connections_per_client open
    total_limit,     // the server has max_connections open
};

// Thread-safe. A Slot stands for one open connection until it is destroyed;
// the limits must outlive every Slot.
class ConnectionLimits {
  public:
    ConnectionLimits(std::size_t total, std::size_t per_client);

    class Slot {
      public:
        Slot(Slot&& other) noexcept;
        Slot& operator=(Slot&&) = delete;
        Slot(const Slot&) = delete;
        ~Slot();

      private:
        friend class ConnectionLimits;
        Slot(ConnectionLimits* owner, std::string client);
        ConnectionLimits* owner_;
        std::string client_;
    };

    tl::expected<Slot, Refusal> acquire(const std::string& client);
    std::size_t open() const;
    std::size_t open(const std::string& client) const;

  private:
    void release(const std::string& client);

    const std::size_t total_;
    const std::size_t per_client_;
    mutable std::mutex mutex_;
    std::size_t open_ = 0;
    std::map<std::string, std::size_t> by_client_;  // only clients with connections
};

}  // namespace wmsgate::wms

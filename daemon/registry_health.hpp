#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace wmsgate::daemon {

// Whether the registry can be reached, for `status` and /metrics. Only a
// shared (PostgreSQL) registry can be out of reach; then the appliance
// fails static: it serves its last snapshot and refuses changes.
struct RegistryHealth {
    bool shared = false;  // PostgreSQL, shared by a fleet
    bool reachable = true;
    // When it was last found out of reach (or back); zero before either.
    std::chrono::system_clock::time_point since{};
    // Full re-reads after it came back (and the one at start-up).
    std::uint64_t resyncs = 0;
};

}  // namespace wmsgate::daemon

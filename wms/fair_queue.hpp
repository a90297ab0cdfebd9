#pragma once

// The render queue's policy, without threads, so that it can be tested
// step by step. Private to wms/.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace wmsgate::wms {

// Why a task never ran.
enum class DropReason {
    client_gone,  // its stop token was triggered before it started
    queue_full,   // the queue was full and this client's share the largest
    stopped,      // the server stopped
};

struct RenderTask {
    std::string client;      // fairness is per client
    std::uint64_t cost = 1;  // in pixel-layers, see request_cost.hpp
    std::stop_token stop;    // the client left or was disconnected
    std::function<void()> run;
    std::function<void(DropReason)> dropped;  // called instead of run
};

// Start-time fair queuing by cost, one queue per client, with a bound on how
// many tasks of one client run at once and on how many wait in total.
//
// Each task gets a start tag: the later of the queue's virtual time and the
// finish tag of its client's previous task; its finish tag adds its cost.
// The eligible client whose head task has the smallest start tag goes next,
// and the virtual time becomes that tag. A client sending costly maps thus
// waits in proportion to what it asks for, while one fetching small tiles
// is served between them. The running bound keeps one client from holding
// every render thread with long renders, which no ordering of the queue
// could undo once they have started.
//
// When the queue is full, the client with the longest queue loses its newest
// task (the newcomer's, if its client's queue is as long): whoever floods
// pays for it, and a quiet client's request still gets a place.
class FairQueue {
  public:
    FairQueue(std::size_t max_queued, unsigned max_running_per_client);

    // Queues `task`; returns the task that has to be refused instead, if
    // any (it may be `task` itself).
    std::optional<RenderTask> push(RenderTask task);
    // The next task to run, counted as running for its client until
    // finished(client); nullopt when nothing queued may run now.
    std::optional<RenderTask> pop();
    void finished(const std::string& client);
    // Empties the queue (running tasks stay counted until finished()).
    std::vector<RenderTask> take_all();
    // Removes the waiting tasks whose stop token was triggered, so that an
    // abandoned request gives its place back at once.
    std::vector<RenderTask> take_stopped();

    std::size_t queued() const { return queued_; }
    std::size_t running(const std::string& client) const;

  private:
    struct Entry {
        RenderTask task;
        std::uint64_t start = 0;
        std::uint64_t arrival = 0;  // breaks ties between equal start tags: first come
        bool before(const Entry& other) const {
            return start != other.start ? start < other.start : arrival < other.arrival;
        }
    };
    struct ClientQueue {
        std::deque<Entry> waiting;
        std::uint64_t last_finish = 0;
        unsigned running = 0;
    };
    void forget_if_idle(std::map<std::string, ClientQueue>::iterator it);

    std::size_t max_queued_;
    unsigned max_running_;
    std::size_t queued_ = 0;
    std::uint64_t virtual_time_ = 0;
    std::uint64_t arrivals_ = 0;
    std::map<std::string, ClientQueue> clients_;
};

}  // namespace wmsgate::wms

#pragma once

// The render threads and their fair queue. Private to wms/.

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "wms/fair_queue.hpp"
#include "wms/heap_trimmer.hpp"

namespace wmsgate::wms {

struct SchedulerLimits {
    unsigned threads = 2;
    unsigned max_running_per_client = 1;
    std::size_t max_queued = 64;
};

// Runs RenderTasks on its own threads in FairQueue's order. Every task
// submitted gets exactly one call: `run` on a render thread, or `dropped`
// (on a render thread, or in submit() or stop()'s caller when refused).
// A task whose stop token was triggered while it waited is dropped, not run.
class RenderScheduler {
  public:
    explicit RenderScheduler(SchedulerLimits limits);
    ~RenderScheduler();
    RenderScheduler(const RenderScheduler&) = delete;
    RenderScheduler& operator=(const RenderScheduler&) = delete;

    void submit(RenderTask task);
    // Drops (DropReason::client_gone) every waiting task whose stop token
    // was triggered; call it after triggering one.
    void drop_stopped();
    // Drops what waits (DropReason::stopped), lets running tasks finish and
    // joins the threads. Tasks submitted afterwards are dropped at once.
    // Must not be called from a render thread.
    void stop();

  private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    FairQueue queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    // Renders are what churns the heap (GDAL's block cache): trim after them.
    HeapTrimmer trimmer_{std::chrono::seconds(1)};
};

}  // namespace wmsgate::wms

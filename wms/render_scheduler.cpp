#include "wms/render_scheduler.hpp"

#include <algorithm>

namespace wmsgate::wms {

RenderScheduler::RenderScheduler(SchedulerLimits limits)
    : queue_(limits.max_queued, limits.max_running_per_client) {
    const unsigned count = std::max(1u, limits.threads);
    threads_.reserve(count);
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { work(); });
}

RenderScheduler::~RenderScheduler() {
    stop();
}

void RenderScheduler::submit(RenderTask task) {
    std::optional<RenderTask> refused;
    DropReason reason = DropReason::queue_full;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            refused = std::move(task);
            reason = DropReason::stopped;
        } else {
            refused = queue_.push(std::move(task));
        }
    }
    // Outside the lock: `dropped` posts to the session, which may submit again.
    if (refused) refused->dropped(reason);
    wake_.notify_one();
}

void RenderScheduler::drop_stopped() {
    std::vector<RenderTask> stopped;
    {
        std::lock_guard lock(mutex_);
        stopped = queue_.take_stopped();
    }
    for (auto& task : stopped) task.dropped(DropReason::client_gone);
}

void RenderScheduler::stop() {
    std::vector<RenderTask> waiting;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        waiting = queue_.take_all();
    }
    wake_.notify_all();
    for (auto& task : waiting) task.dropped(DropReason::stopped);
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
}

void RenderScheduler::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        std::optional<RenderTask> task;
        wake_.wait(lock, [&] { return stopping_ || (task = queue_.pop()).has_value(); });
        if (!task) return;
        lock.unlock();
        if (task->stop.stop_requested()) {
            task->dropped(DropReason::client_gone);
        } else {
            task->run();
        }
        const std::string client = std::move(task->client);
        task.reset();  // releases the session before the next wait
        trimmer_.note_work();
        lock.lock();
        queue_.finished(client);
        // A finished task may make its client's next one eligible.
        wake_.notify_one();
    }
}

}  // namespace wmsgate::wms

#include "wms/fair_queue.hpp"

#include <algorithm>

namespace wmsgate::wms {

FairQueue::FairQueue(std::size_t max_queued, unsigned max_running_per_client)
    : max_queued_(std::max<std::size_t>(1, max_queued)),
      max_running_(std::max(1u, max_running_per_client)) {}

std::optional<RenderTask> FairQueue::push(RenderTask task) {
    auto [it, added] = clients_.try_emplace(task.client);
    ClientQueue& own = it->second;
    if (queued_ >= max_queued_) {
        auto longest =
            std::max_element(clients_.begin(), clients_.end(), [](const auto& a, const auto& b) {
                return a.second.waiting.size() < b.second.waiting.size();
            });
        if (longest->second.waiting.size() <= own.waiting.size()) {
            forget_if_idle(it);
            return task;
        }
        RenderTask victim = std::move(longest->second.waiting.back().task);
        longest->second.waiting.pop_back();
        --queued_;
        forget_if_idle(longest);
        push(std::move(task));
        return victim;
    }
    const std::uint64_t start = std::max(virtual_time_, own.last_finish);
    own.last_finish = start + std::max<std::uint64_t>(1, task.cost);
    own.waiting.push_back({std::move(task), start, arrivals_++});
    ++queued_;
    return std::nullopt;
}

std::optional<RenderTask> FairQueue::pop() {
    auto best = clients_.end();
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        const ClientQueue& q = it->second;
        if (q.waiting.empty() || q.running >= max_running_) continue;
        if (best == clients_.end() || q.waiting.front().before(best->second.waiting.front()))
            best = it;
    }
    if (best == clients_.end()) return std::nullopt;
    Entry entry = std::move(best->second.waiting.front());
    best->second.waiting.pop_front();
    --queued_;
    ++best->second.running;
    virtual_time_ = std::max(virtual_time_, entry.start);
    return std::move(entry.task);
}

void FairQueue::finished(const std::string& client) {
    const auto it = clients_.find(client);
    if (it == clients_.end() || it->second.running == 0) return;
    --it->second.running;
    forget_if_idle(it);
}

std::vector<RenderTask> FairQueue::take_all() {
    std::vector<RenderTask> all;
    for (auto it = clients_.begin(); it != clients_.end();) {
        for (auto& entry : it->second.waiting) all.push_back(std::move(entry.task));
        it->second.waiting.clear();
        auto next = std::next(it);
        forget_if_idle(it);
        it = next;
    }
    queued_ = 0;
    return all;
}

std::vector<RenderTask> FairQueue::take_stopped() {
    std::vector<RenderTask> stopped;
    for (auto it = clients_.begin(); it != clients_.end();) {
        auto& waiting = it->second.waiting;
        for (auto entry = waiting.begin(); entry != waiting.end();) {
            if (!entry->task.stop.stop_requested()) {
                ++entry;
                continue;
            }
            stopped.push_back(std::move(entry->task));
            entry = waiting.erase(entry);
            --queued_;
        }
        auto next = std::next(it);
        forget_if_idle(it);
        it = next;
    }
    return stopped;
}

std::size_t FairQueue::running(const std::string& client) const {
    const auto it = clients_.find(client);
    return it == clients_.end() ? 0 : it->second.running;
}

// A client with nothing queued or running has no state worth keeping: its
// next task starts at the virtual time anyway, which has passed its last
// finish tag or soon will. Forgetting keeps memory bounded by activity.
void FairQueue::forget_if_idle(std::map<std::string, ClientQueue>::iterator it) {
    if (it->second.waiting.empty() && it->second.running == 0) clients_.erase(it);
}

}  // namespace wmsgate::wms

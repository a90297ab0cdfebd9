#include "wms/heap_trimmer.hpp"

#include <malloc.h>

namespace wmsgate::wms {

HeapTrimmer::HeapTrimmer(std::chrono::milliseconds interval)
    : interval_(interval), thread_([this](const std::stop_token& stop) { loop(stop); }) {}

void HeapTrimmer::note_work() {
    std::lock_guard lock(mutex_);
    if (worked_) return;
    worked_ = true;
    wake_.notify_one();
}

void HeapTrimmer::trim_now() {
    // Walks every arena under its lock; tens of ms on a heap of 500 MB.
    malloc_trim(0);
}

std::size_t HeapTrimmer::trims() const {
    std::lock_guard lock(mutex_);
    return trims_;
}

void HeapTrimmer::loop(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Sleep until there is work, then let the interval pass, so that a
        // busy server trims once per interval and an idle one never.
        if (!wake_.wait(lock, stop, [&] { return worked_; })) return;
        wake_.wait_for(lock, stop, interval_, [] { return false; });
        if (stop.stop_requested()) return;
        worked_ = false;
        lock.unlock();
        trim_now();
        lock.lock();
        ++trims_;
    }
}

}  // namespace wmsgate::wms

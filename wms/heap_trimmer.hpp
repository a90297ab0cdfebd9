#pragma once

// Gives the heap's free pages back to the kernel after rendering. Private to
// wms/.
//
// Why: GDAL's block cache frees and allocates 64 KB blocks all the time, and
// other allocations land between them. glibc keeps a freed chunk resident
// until the top of its heap is free, which with live blocks around it is
// never; over bench/wms's scenarios the free but resident chunks grew the
// peak RSS from about 480 to 755 MB. malloc_trim() returns those pages
// (madvise) without moving anything. A process-wide M_MMAP_THRESHOLD of
// 64 KB returns them too, but then every large render buffer pays its page
// faults again on each map: 35-40 % of the JPEG maps' rate.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace wmsgate::wms {

class HeapTrimmer {
  public:
    // Trims at most once per `interval`, and only after note_work() since the
    // last trim: an idle server's heap does not change.
    explicit HeapTrimmer(std::chrono::milliseconds interval);
    HeapTrimmer(const HeapTrimmer&) = delete;
    HeapTrimmer& operator=(const HeapTrimmer&) = delete;

    // Something freed or allocated memory worth trimming after. Cheap; any
    // thread.
    void note_work();
    // Trims every arena now, on the caller's thread.
    static void trim_now();
    // How many times the trimmer's own thread has trimmed.
    std::size_t trims() const;

  private:
    void loop(const std::stop_token& stop);

    const std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    bool worked_ = false;
    std::size_t trims_ = 0;
    std::jthread thread_;  // last: stopped and joined before the rest goes away
};

}  // namespace wmsgate::wms

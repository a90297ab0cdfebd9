#include "wms/heap_trimmer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace wmsgate::wms {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool glibc_heap = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool glibc_heap = false;
#else
constexpr bool glibc_heap = true;
#endif
#else
constexpr bool glibc_heap = true;
#endif

std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    statm >> size >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

bool eventually(const auto& condition) {
    for (int i = 0; i < 1000; ++i) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// The block cache's pattern: 64 KB blocks with small allocations between
// them, the blocks freed while the small ones live on.
TEST(HeapTrimmer, ReturnsFreedBlocksBetweenLiveAllocations) {
    if (!glibc_heap) GTEST_SKIP() << "the sanitizer's allocator is not glibc's heap";
    constexpr std::size_t block = 64 * 1024;
    constexpr std::size_t blocks = 1600;  // 100 MB
    std::vector<char*> big;
    std::vector<char*> small;
    for (std::size_t i = 0; i < blocks; ++i) {
        big.push_back(static_cast<char*>(std::malloc(block)));
        std::memset(big.back(), 1, block);
        small.push_back(static_cast<char*>(std::malloc(64)));
        std::memset(small.back(), 2, 64);
    }
    const std::size_t full = resident_bytes();
    for (char* p : big) std::free(p);
    const std::size_t freed = resident_bytes();
    // glibc keeps them: the precondition that makes this test mean something.
    ASSERT_GT(freed, full - blocks * block / 2);

    HeapTrimmer::trim_now();
    EXPECT_LT(resident_bytes(), freed - blocks * block / 2);
    for (char* p : small) std::free(p);
}

TEST(HeapTrimmer, TrimsOnceAfterWorkAndNeverWhenIdle) {
    HeapTrimmer trimmer(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(trimmer.trims(), 0u);

    trimmer.note_work();
    trimmer.note_work();
    ASSERT_TRUE(eventually([&] { return trimmer.trims() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(trimmer.trims(), 1u);

    trimmer.note_work();
    EXPECT_TRUE(eventually([&] { return trimmer.trims() == 2; }));
}

TEST(HeapTrimmer, StopsWithoutWaitingOutItsInterval) {
    const auto start = std::chrono::steady_clock::now();
    {
        HeapTrimmer trimmer(std::chrono::hours(1));
        trimmer.note_work();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(trimmer.trims(), 0u);
    }
    // An hour was the interval; any bound far below it shows the wait ended.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::minutes(5));
}

}  // namespace
}  // namespace wmsgate::wms

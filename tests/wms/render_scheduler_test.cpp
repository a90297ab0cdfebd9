#include "wms/render_scheduler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <vector>

namespace wmsgate::wms {
namespace {

using namespace std::chrono_literals;

// What happened to each task, in order.
struct Journal {
    std::mutex mutex;
    std::vector<std::string> events;
    void add(std::string event) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(event));
    }
    std::vector<std::string> get() {
        std::lock_guard lock(mutex);
        return events;
    }
};

RenderTask task(const std::string& name, Journal& journal, std::function<void()> body = {},
                std::stop_token stop = {}) {
    RenderTask t;
    t.client = name.substr(0, name.find('-'));
    t.cost = 1;
    t.stop = std::move(stop);
    t.run = [name, &journal, body = std::move(body)] {
        if (body) body();
        journal.add("ran " + name);
    };
    t.dropped = [name, &journal](DropReason reason) {
        journal.add(std::string(reason == DropReason::client_gone  ? "gone "
                                : reason == DropReason::queue_full ? "full "
                                                                   : "stopped ") +
                    name);
    };
    return t;
}

// One render thread held by a task until `release` is set.
struct Blocker {
    std::promise<void> started;
    std::promise<void> release;
    std::shared_future<void> released{release.get_future().share()};
    std::function<void()> body() {
        return [this] {
            started.set_value();
            released.wait();
        };
    }
};

TEST(RenderScheduler, ATaskWhoseClientLeftIsDroppedNotRun) {
    Journal journal;
    RenderScheduler scheduler({1, 1, 16});
    Blocker blocker;
    scheduler.submit(task("bob-1", journal, blocker.body()));
    blocker.started.get_future().wait();
    std::stop_source leaving;
    scheduler.submit(task("alice-1", journal, {}, leaving.get_token()));
    scheduler.submit(task("alice-2", journal));
    leaving.request_stop();
    scheduler.drop_stopped();  // at once, while the thread is still busy
    EXPECT_EQ(journal.get(), std::vector<std::string>{"gone alice-1"});
    blocker.release.set_value();
    for (int i = 0; i < 1000 && journal.get().size() < 3; ++i) std::this_thread::sleep_for(10ms);
    scheduler.stop();
    EXPECT_EQ(journal.get(),
              (std::vector<std::string>{"gone alice-1", "ran bob-1", "ran alice-2"}));
}

TEST(RenderScheduler, OverflowIsDroppedAsQueueFull) {
    Journal journal;
    RenderScheduler scheduler({1, 1, 2});
    Blocker blocker;
    scheduler.submit(task("bob-1", journal, blocker.body()));
    blocker.started.get_future().wait();
    scheduler.submit(task("bob-2", journal));
    scheduler.submit(task("bob-3", journal));
    scheduler.submit(task("bob-4", journal));  // the queue holds two
    EXPECT_EQ(journal.get(), (std::vector<std::string>{"full bob-4"}));
    blocker.release.set_value();
    scheduler.stop();
}

TEST(RenderScheduler, StopDropsWhatWaitsAndRefusesWhatComesLater) {
    Journal journal;
    RenderScheduler scheduler({1, 1, 16});
    Blocker blocker;
    scheduler.submit(task("bob-1", journal, blocker.body()));
    blocker.started.get_future().wait();
    scheduler.submit(task("alice-1", journal));
    auto stopping = std::async(std::launch::async, [&] { scheduler.stop(); });
    // stop() drops alice-1 at once, then waits for bob-1.
    for (int i = 0; i < 200 && journal.get().empty(); ++i) std::this_thread::sleep_for(10ms);
    blocker.release.set_value();
    stopping.get();
    scheduler.submit(task("alice-2", journal));
    EXPECT_EQ(journal.get(),
              (std::vector<std::string>{"stopped alice-1", "ran bob-1", "stopped alice-2"}));
}

TEST(RenderScheduler, OneClientCannotHoldEveryThread) {
    Journal journal;
    RenderScheduler scheduler({2, 1, 16});
    Blocker blocker;
    scheduler.submit(task("mallory-1", journal, blocker.body()));
    blocker.started.get_future().wait();
    scheduler.submit(task("mallory-2", journal));
    scheduler.submit(task("alice-1", journal));
    // alice runs on the second thread while mallory's first still blocks
    // the other and his second waits for it (generous deadline).
    for (int i = 0; i < 1000 && journal.get().empty(); ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(journal.get(), std::vector<std::string>{"ran alice-1"});
    blocker.release.set_value();
    for (int i = 0; i < 1000 && journal.get().size() < 3; ++i) std::this_thread::sleep_for(10ms);
    scheduler.stop();
    EXPECT_EQ(journal.get().back(), "ran mallory-2");
}

}  // namespace
}  // namespace wmsgate::wms

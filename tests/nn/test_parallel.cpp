// The thread pool: every task runs once, and SerialOnThisThread keeps a
// thread's tasks on that thread.
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "helpers.hpp"
#include "nn/parallel.hpp"

using namespace gb;

namespace {

// The threads that ran the tasks of one parallel_for of n tasks; each task is counted in `runs`.
std::set<std::thread::id> threads_of_tasks(int n, std::vector<int>& runs) {
    std::mutex mutex;
    std::set<std::thread::id> threads;
    runs.assign(size_t(n), 0);
    parallel_for(n, [&](int task) {
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
        ++runs[size_t(task)];
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // long enough for every worker to take one
    });
    return threads;
}

}  // namespace

TEST_CASE("parallel_for runs each task once; SerialOnThisThread runs them on the calling thread", "[parallel]") {
    std::vector<int> runs;
    threads_of_tasks(64, runs);
    CHECK(runs == std::vector<int>(64, 1));
    {
        SerialOnThisThread serial;
        std::set<std::thread::id> threads = threads_of_tasks(64, runs);
        CHECK(runs == std::vector<int>(64, 1));
        CHECK(threads == std::set<std::thread::id>{std::this_thread::get_id()});
        { SerialOnThisThread nested; }  // scopes nest: the outer one still holds when this one ends
        CHECK(threads_of_tasks(64, runs) == std::set<std::thread::id>{std::this_thread::get_id()});
    }
    // another thread with a scope of its own (Catch2's checks are made on this thread)
    std::set<std::thread::id> other_threads;
    std::thread::id other_id;
    std::thread other([&] {
        SerialOnThisThread serial;
        std::vector<int> other_runs;
        other_threads = threads_of_tasks(16, other_runs);
        other_id = std::this_thread::get_id();
    });
    other.join();
    CHECK(other_threads == std::set<std::thread::id>{other_id});
    if (thread_count() > 1) CHECK(threads_of_tasks(64, runs).size() > 1);  // the pool is back for this thread
}

#include "nn/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "nn/fpu.hpp"

namespace gb {
namespace {

thread_local bool inside_task = false;  // a nested parallel_for runs serially

// Workers wait for a job by spinning for a short while, then by sleeping on
// a condition variable. A training step hands out many small jobs in quick
// succession; waking a sleeping thread costs tens of microseconds, as much
// as a whole small matrix product, while spinning answers in well under one.
class Pool {
public:
    explicit Pool(int threads) {
        for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }
    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
    }
    int size() const { return int(workers_.size()) + 1; }

    void run(int n_tasks, const std::function<void(int)>& fn) {
        std::lock_guard<std::mutex> one_job_at_a_time(job_mutex_);
        fn_ = &fn;
        n_tasks_ = n_tasks;
        next_task_.store(0);
        pending_.store(int(workers_.size()));
        generation_.fetch_add(1, std::memory_order_release);
        { std::lock_guard<std::mutex> lock(mutex_); }  // no sleeper can miss the new generation
        wake_.notify_all();
        take_tasks();
        for (int spins = 1; pending_.load(std::memory_order_acquire) > 0; ++spins)
            if (spins % 1024 == 0) std::this_thread::yield();  // a busy machine may have parked the worker
    }

private:
    void take_tasks() {
        inside_task = true;
        for (int t; (t = next_task_.fetch_add(1)) < n_tasks_;) (*fn_)(t);
        inside_task = false;
    }

    void work() {
        flush_denormals_to_zero();
        long seen = 0;
        for (;;) {
            auto changed = [&] { return generation_.load(std::memory_order_acquire) != seen; };
            auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
            for (int spins = 1; !changed(); ++spins)  // looks at the clock now and then: it is slow
                if (spins % 1024 == 0 && std::chrono::steady_clock::now() > spin_until) break;
            if (!changed()) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || changed(); });
                if (stopping_) return;
            }
            seen = generation_.load(std::memory_order_acquire);
            take_tasks();
            pending_.fetch_sub(1, std::memory_order_release);
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_, job_mutex_;
    std::condition_variable wake_;
    const std::function<void(int)>* fn_ = nullptr;
    int n_tasks_ = 0;
    std::atomic<int> next_task_{0}, pending_{0};
    std::atomic<long> generation_{0};
    bool stopping_ = false;
};

int configured_threads() {
    if (const char* env = std::getenv("GLASSBOX_THREADS")) {
        int n = std::atoi(env);
        if (n >= 1) return n;
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : int(hw);
}

Pool& pool() {
    static Pool p(configured_threads());
    return p;
}

}  // namespace

int thread_count() { return pool().size(); }

void parallel_for(int n_tasks, const std::function<void(int)>& fn) {
    if (n_tasks <= 1 || inside_task || pool().size() == 1) {
        for (int t = 0; t < n_tasks; ++t) fn(t);
        return;
    }
    pool().run(n_tasks, fn);
}

void parallel_ranges(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
    const size_t pieces = std::max<size_t>(1, std::min<size_t>(size_t(thread_count()), n / std::max<size_t>(grain, 1)));
    parallel_for(int(pieces), [&](int piece) { fn(n * size_t(piece) / pieces, n * size_t(piece + 1) / pieces); });
}

}  // namespace gb

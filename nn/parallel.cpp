#include "nn/parallel.hpp"

#include "nn/fpu.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace gb {
namespace {

thread_local bool inside_task = false;  // a nested parallel_for runs serially

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
        {
            std::lock_guard<std::mutex> lock(mutex_);
            fn_ = &fn;
            n_tasks_ = n_tasks;
            next_task_ = 0;
            busy_workers_ = int(workers_.size());
            ++generation_;
        }
        wake_.notify_all();
        take_tasks();
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return busy_workers_ == 0; });
        fn_ = nullptr;
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
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
                if (stopping_) return;
                seen = generation_;
            }
            take_tasks();
            std::lock_guard<std::mutex> lock(mutex_);
            if (--busy_workers_ == 0) done_.notify_one();
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_, job_mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int)>* fn_ = nullptr;
    int n_tasks_ = 0;
    std::atomic<int> next_task_{0};
    int busy_workers_ = 0;
    long generation_ = 0;
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

}  // namespace gb

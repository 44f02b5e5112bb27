// parallel.hpp: a fixed pool of worker threads for data-parallel kernels.
//
// parallel_for(n, fn) runs fn(0) ... fn(n-1), spread over the pool and the
// calling thread, and returns when all are done. Callers split their work
// into tasks that write disjoint outputs, so the result never depends on
// which thread ran which task: runs are bit-identical.
//
// The pool has one thread per core (std::thread::hardware_concurrency), or
// GLASSBOX_THREADS if that environment variable is set.
#pragma once
#include <functional>

namespace gb {

int thread_count();
void parallel_for(int n_tasks, const std::function<void(int task)>& fn);

// fn(begin, end) over [0, n) cut into contiguous pieces of at least `grain`
// elements, one task each: for element-wise loops, where each element is
// computed alone and the cut changes nothing.
void parallel_ranges(size_t n, size_t grain, const std::function<void(size_t begin, size_t end)>& fn);

}  // namespace gb

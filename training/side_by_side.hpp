// side_by_side.hpp: independent jobs (training several models, say) run at
// the same time, one per core, instead of one after the other.
//
//   side_by_side(2, [&](int k) { models[k] = train(names[k]); });
//
// Each job runs on one core: the matrix products inside it do not spread
// over the other cores (a nested parallel_for runs serially), and they do the
// same arithmetic in the same order, so a model trained here has the same
// weights, to the bit, as one trained alone. Small products (an LSTM's steps,
// batches of 64) gain little from a second core, so whole jobs side by side
// keep both cores busier. Jobs start in the order 0, 1, ...: give the slowest
// the lowest numbers.
#pragma once
#include <functional>

namespace gb {

// Runs job(0) ... job(n - 1), as many at a time as there are cores; an error
// thrown by any job is thrown here (the first by job number) after all have ended.
void side_by_side(int n, const std::function<void(int job)>& job);

}  // namespace gb

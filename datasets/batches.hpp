// batches.hpp: minibatches of example indices, in a seeded random order.
//
// The order of epoch e depends only on (seed, e): a run can be repeated, or
// resumed at any epoch, and gives the same batches.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "util/random.hpp"

namespace gb {

class Minibatches {
public:
    Minibatches(int n_examples, int batch_size, uint64_t seed, bool shuffle = true)
        : n_(n_examples), batch_(batch_size), seed_(seed), shuffle_(shuffle) {}

    // Batches per epoch; the last one may be smaller.
    int count() const { return (n_ + batch_ - 1) / batch_; }

    // All batches of epoch `epoch` (0-based), as lists of example indices.
    std::vector<std::vector<int>> epoch(int epoch) const {
        std::vector<int> order(static_cast<size_t>(n_));
        for (int i = 0; i < n_; ++i) order[size_t(i)] = i;
        if (shuffle_) {
            Rng rng(seed_ + 0x9E3779B97F4A7C15ull * uint64_t(epoch + 1));
            rng.shuffle(order);
        }
        std::vector<std::vector<int>> batches;
        for (int start = 0; start < n_; start += batch_)
            batches.emplace_back(order.begin() + start, order.begin() + std::min(n_, start + batch_));
        return batches;
    }

private:
    int n_, batch_;
    uint64_t seed_;
    bool shuffle_;
};

}  // namespace gb

// random.hpp: the seeded random number generator behind every random choice.
//
// The engine is std::mt19937_64, whose output sequence the C++ standard fixes.
// The distributions of <random> are not fixed by the standard (two standard
// libraries may map the same engine output to different numbers), so the
// uniform, normal, integer and shuffle helpers are written out here: the same
// seed gives bit-identical numbers with any compiler.
#pragma once
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace gb {

class Rng {
public:
    explicit Rng(uint64_t seed) : engine_(seed) {}

    uint64_t next_u64() { return engine_(); }

    // Uniform in [0, 1) with 24 random bits: every float it returns is exact.
    float uniform() { return float(engine_() >> 40) * (1.0f / 16777216.0f); }

    float uniform(float low, float high) { return low + (high - low) * uniform(); }

    // Standard normal by the Box-Muller transform (one value per call).
    float normal() {
        double u1 = (double(engine_() >> 11) + 1.0) * (1.0 / 9007199254740992.0);  // (0, 1]
        double u2 = double(engine_() >> 11) * (1.0 / 9007199254740992.0);          // [0, 1)
        return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }

    // Uniform integer in [0, n), unbiased (rejection of the incomplete last block).
    uint64_t below(uint64_t n) {
        uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        uint64_t r;
        do { r = engine_(); } while (r >= limit);
        return r % n;
    }

    // Fisher-Yates shuffle.
    template <typename T>
    void shuffle(std::vector<T>& v) {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace gb

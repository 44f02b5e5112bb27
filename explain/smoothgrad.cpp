#include <algorithm>

#include "explain/propagation.hpp"
#include "explain/rules.hpp"
#include "explain/sampling.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace gb {

// R = 1/n sum_k grad f(x + e_k),  e_k ~ N(0, sigma^2),  sigma = noise * (max x - min x)
Tensor smoothgrad(Sequential& net, const Tensor& x, const std::vector<int>& targets, int samples, float noise,
                  uint64_t seed, size_t start) {
    if (samples < 1 || !(noise >= 0.0f)) throw Error("smoothgrad: needs samples >= 1 and noise >= 0");
    const size_t B = size_t(x.dim(0)), per_example = x.numel() / B;
    std::vector<float> sigma(B);
    for (size_t b = 0; b < B; ++b) {
        auto [lo, hi] = std::minmax_element(x.data() + b * per_example, x.data() + (b + 1) * per_example);
        sigma[b] = noise * (*hi - *lo);
    }
    Rng rng(seed);
    GradientRule gradient;
    Tensor sum(x.shape());
    for (int k = 0; k < samples; ++k) {
        Tensor noisy = x.detach();
        for (size_t i = 0; i < noisy.numel(); ++i) noisy.values()[i] += sigma[i / per_example] * rng.normal();
        Tensor g = propagate(net, noisy, targets, gradient, false, nullptr, start, start).signal;
        for (size_t i = 0; i < sum.numel(); ++i) sum.values()[i] += g.values()[i];
    }
    for (float& v : sum.values()) v /= float(samples);
    return sum;
}

}  // namespace gb

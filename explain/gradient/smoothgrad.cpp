// smoothgrad.cpp: SmoothGrad (Smilkov et al. 2017), the gradient averaged
// over noisy copies of the input,
//   R = 1/n sum_{k=1..n} grad f(x + e_k),   e_k ~ N(0, sigma^2),
// with sigma = noise * (max x - min x) of each example. Text models are
// explained at their embeddings (the noise is added there), summed per word.
// Seeded: the same seed gives the same map.
#include <algorithm>

#include "explain/method.hpp"
#include "util/random.hpp"

namespace gb {

Method smoothgrad_method() {
    Method m("smoothgrad", Family::Gradient, "Smilkov et al. 2017, SmoothGrad: removing noise by adding noise",
             "the gradient averaged over noisy copies of the input");
    m.parameters = {whole_parameter("samples", 50, 1, 100000, "noisy copies averaged"),
                    real_parameter("noise", "0.15", 0, 10, "sigma of the noise, as a fraction of the input's range"),
                    whole_parameter("seed", 1, 0, 2147483647, "seed of the noise")};
    m.inputs = kEveryInput;
    m.refusal = walks_with(RuleFamily::Gradient);
    m.run = [](const MethodCall& call) {
        const int samples = call.whole("samples");
        const float noise = call.real("noise");
        const Tensor x = forward_until(call.net, call.x, call.stop);  // text: the embeddings
        const size_t B = size_t(x.dim(0)), per_example = x.numel() / B;
        std::vector<float> sigma(B);
        for (size_t b = 0; b < B; ++b) {
            auto [lo, hi] = std::minmax_element(x.data() + b * per_example, x.data() + (b + 1) * per_example);
            sigma[b] = noise * (*hi - *lo);
        }
        Rng rng(uint64_t(call.whole("seed")));
        GradientRule gradient;
        Tensor sum(x.shape());
        for (int k = 0; k < samples; ++k) {  // sum_k grad f(x + e_k)
            Tensor noisy = x.detach();
            for (size_t i = 0; i < noisy.numel(); ++i) noisy.values()[i] += sigma[i / per_example] * rng.normal();
            Tensor g = propagate(call.net, noisy, call.targets, gradient, false, nullptr, call.stop, call.stop).signal;
            for (size_t i = 0; i < sum.numel(); ++i) sum.values()[i] += g.values()[i];
        }
        for (float& v : sum.values()) v /= float(samples);
        Explanation e = forward_explanation(call);
        e.relevance = per_input(sum, call.stop);
        return e;
    };
    return m;
}

}  // namespace gb

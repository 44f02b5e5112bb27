#include "explain/propagation.hpp"
#include "explain/rules.hpp"
#include "explain/sampling.hpp"
#include "util/error.hpp"

namespace gb {

// R_i = (x_i - x'_i) * 1/m sum_{k=1..m} df/dx_i (x' + k/m (x - x'))
Tensor integrated_gradients(Sequential& net, const Tensor& x, const std::vector<int>& targets,
                            const std::vector<float>& baseline, int steps, std::vector<float>* gap, size_t start) {
    if (steps < 1) throw Error("integrated gradients: needs steps >= 1");
    const size_t B = size_t(x.dim(0)), per_example = x.numel() / B;
    if (!baseline.empty() && baseline.size() != per_example)
        throw Error("integrated gradients: the baseline has " + std::to_string(baseline.size()) +
                    " values, an input has " + std::to_string(per_example));
    auto base = [&](size_t i) { return baseline.empty() ? 0.0f : baseline[i % per_example]; };
    GradientRule gradient;
    Tensor sum(x.shape());
    for (int k = 1; k <= steps; ++k) {
        Tensor point(x.shape());
        for (size_t i = 0; i < x.numel(); ++i)
            point.values()[i] = base(i) + float(k) / float(steps) * (x.values()[i] - base(i));
        Tensor g = propagate(net, point, targets, gradient, false, nullptr, start, start).signal;
        for (size_t i = 0; i < sum.numel(); ++i) sum.values()[i] += g.values()[i];
    }
    Tensor r(x.shape());
    for (size_t i = 0; i < r.numel(); ++i) r.values()[i] = (x.values()[i] - base(i)) * sum.values()[i] / float(steps);
    if (gap) {  // f(x) - f(x') - sum R, per example
        Tensor origin(x.shape());
        for (size_t i = 0; i < x.numel(); ++i) origin.values()[i] = base(i);
        Propagation at_x = propagate(net, x, targets, gradient, false, nullptr, start, start);
        Propagation at_base = propagate(net, origin, targets, gradient, false, nullptr, start, start);
        const int C = at_x.logits.dim(1);
        gap->clear();
        for (size_t b = 0; b < B; ++b) {
            double total = 0;
            for (size_t i = 0; i < per_example; ++i) total += r.values()[b * per_example + i];
            size_t at = b * size_t(C) + size_t(at_x.targets[b]);
            gap->push_back(float(double(at_x.logits.values()[at]) - at_base.logits.values()[at] - total));
        }
    }
    return r;
}

}  // namespace gb

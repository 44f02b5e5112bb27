// taylor.cpp: simple Taylor decomposition (Montavon et al. 2018, sec. 4;
// Bach et al. 2015). The first-order expansion of f at a root point x~,
//   f(x) = f(x~) + sum_i df/dx_i|x~ (x_i - x~_i) + residual,
// gives R_i = df/dx_i|x~ (x_i - x~_i), with x~ zero, the mean training input,
// or a root f(x~) = 0 searched along the gradient from x. The residual
// f(x) - f(x~) - sum_i R_i is reported ("taylor_residual").
//
// The gradient is taken just off the root, at x~ + 0.001 (x - x~): at the
// root itself a ReLU network's gradient is not defined (with x~ = 0 and no
// biases every unit sits on its kink). A trace shows that walk.
#include <algorithm>

#include "explain/method.hpp"
#include "util/error.hpp"

namespace gb {
namespace {

// A root of f_c near x, searched along the gradient: x~ = x - t g with g = df/dx(x)
// and the smallest t > 0 found where f(x - t g) = 0 (bracketed by doubling t,
// then 40 bisections). An example whose logit does not reach 0 within
// t <= 2^20 / |g|^2 keeps the last point tried.
Tensor root_along_gradient(Sequential& net, const Tensor& x, const Tensor& gradient, const std::vector<int>& targets) {
    const int B = x.dim(0);
    const size_t per_example = x.numel() / size_t(B);
    Tensor root = x.detach();
    for (int b = 0; b < B; ++b) {
        const float* xb = x.data() + size_t(b) * per_example;
        const float* g = gradient.data() + size_t(b) * per_example;
        Shape one = x.shape();
        one[0] = 1;
        auto point = [&](double t) {
            Tensor p(one);
            for (size_t k = 0; k < per_example; ++k) p.values()[k] = xb[k] - float(t) * g[k];
            return p;
        };
        auto f = [&](double t) {
            Tensor y = net.forward(point(t));
            return double(y.values()[size_t(targets[size_t(b)])]);
        };
        double norm2 = 0;
        for (size_t k = 0; k < per_example; ++k) norm2 += double(g[k]) * g[k];
        if (norm2 == 0 || f(0) <= 0) continue;  // nothing to descend, or already at or below the root
        double lo = 0, hi = 1.0 / norm2;
        while (f(hi) > 0 && hi < 1048576.0 / norm2) lo = hi, hi *= 2;
        for (int i = 0; i < 40; ++i) {
            double mid = 0.5 * (lo + hi);
            (f(mid) > 0 ? lo : hi) = mid;
        }
        Tensor found = point(hi);
        std::copy(found.values().begin(), found.values().end(), root.values().begin() + std::ptrdiff_t(size_t(b) * per_example));
    }
    return root;
}

// The root point x~ of each example: zero, the mean input, or searched.
Tensor root_point(const MethodCall& call, const Propagation& at_x) {
    const Tensor& x = call.x;
    const size_t per_example = x.numel() / size_t(x.dim(0));
    const std::string baseline = call.choice("baseline");
    if (baseline == "search") return root_along_gradient(call.net, x, at_x.signal, at_x.targets);
    Tensor root(x.shape());
    if (baseline == "zero") return root;
    const std::vector<float>& mean = call.options.input.mean;
    if (mean.size() != per_example)
        throw Error("taylor: the baseline has " + std::to_string(mean.size()) + " values, an input has " +
                    std::to_string(per_example) + " (set the mean input of the data, InputInfo::mean)");
    for (size_t k = 0; k < x.numel(); ++k) root.values()[k] = mean[k % per_example];
    return root;
}

}  // namespace

Method taylor_method() {
    Method m("taylor", Family::Gradient, "Bach et al. 2015; Montavon et al. 2018, simple Taylor decomposition",
             "R_i = df/dx_i|x~ (x_i - x~_i) at a root point x~, with the first-order residual");
    m.parameters = {choice_parameter("baseline", "zero", {"zero", "mean", "search"},
                                     "the root point: zero, the mean training input, or f = 0 along the gradient")};
    m.inputs = {InputForm::Image, InputForm::Features};  // the root is a point of the input space
    m.refusal = walks_with(RuleFamily::Gradient);
    m.propagates = true;
    m.run = [](const MethodCall& call) {
        const Tensor& x = call.x;
        const int B = x.dim(0);
        const size_t per_example = x.numel() / size_t(B);
        GradientRule gradient;
        Propagation at_x = propagate(call.net, x, call.targets, gradient);  // f(x), its classes, the gradient at x
        Explanation e = explanation_of(call, at_x);
        const Tensor root = root_point(call, at_x);
        Tensor near(x.shape());
        for (size_t k = 0; k < x.numel(); ++k)
            near.values()[k] = root.values()[k] + 0.001f * (x.values()[k] - root.values()[k]);
        Propagation at_near = propagate(call.net, near, e.targets, gradient, call.options.trace, call.options.filter);
        e.trace = at_near.trace;
        const Tensor f_root = forward_until(call.net, root, call.net.size());
        Tensor r = at_near.signal;
        for (size_t k = 0; k < r.numel(); ++k) r.values()[k] *= x.values()[k] - root.values()[k];
        Diagnostic residual{"taylor_residual", {}};  // f(x) - f(x~) - sum_i R_i
        for (int b = 0; b < B; ++b) {
            double sum = 0;
            for (size_t k = 0; k < per_example; ++k) sum += r.values()[size_t(b) * per_example + k];
            const float f_at_root = f_root.values()[size_t(b) * size_t(f_root.dim(1)) + size_t(e.targets[size_t(b)])];
            residual.values.push_back(float(double(e.logit[size_t(b)]) - f_at_root - sum));
        }
        e.diagnostics.push_back(residual);
        e.relevance = r;
        return e;
    };
    return m;
}

}  // namespace gb
